/// How faces are turned into templates.
public struct EmbeddingOptions: Sendable, Equatable {
    /// Also embed the horizontally mirrored crop and average the two vectors: a small accuracy
    /// gain for twice the embedding work (see docs/accuracy.md).
    public var mirrorAugmentation: Bool

    public init(mirrorAugmentation: Bool = false) {
        self.mirrorAugmentation = mirrorAugmentation
    }

    public static let `default` = EmbeddingOptions()
}
