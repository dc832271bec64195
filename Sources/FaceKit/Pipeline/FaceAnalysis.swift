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
    /// The chosen face's quality, when a profile was given.
    public var quality: QualityAssessment?
    /// The chosen face's 106 landmarks, when quality was assessed.
    public var landmarks: FaceLandmarks?
    /// How much the image was enlarged to find or refine the face (1 when it was not).
    public var upsampling: Double = 1
}
