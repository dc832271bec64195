/// Every face of an image, the one chosen for comparison, and its template.
public struct FaceAnalysis: Sendable {
    /// All detected faces, largest first.
    public var faces: [DetectedFace]
    /// The face the selection policy chose.
    public var face: DetectedFace
    /// The chosen face's template.
    public var embedding: FaceEmbedding
    /// Time per stage (decode is filled in by callers that decode).
    public var timings: StageTimings
}
