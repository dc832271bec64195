import FaceKit

/// How a workflow finds and embeds the one face of an image; the HTTP API uses the defaults,
/// the CLI its flags.
public struct AnalysisSettings: Sendable {
    public var detection: DetectionOptions
    public var selection: FaceSelection
    public var embedding: EmbeddingOptions

    public init(
        detection: DetectionOptions = .default, selection: FaceSelection = .largest,
        embedding: EmbeddingOptions = .default
    ) {
        self.detection = detection
        self.selection = selection
        self.embedding = embedding
    }
}
