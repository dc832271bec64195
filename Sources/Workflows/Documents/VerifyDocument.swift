/// `verify`: two images, one decision at an operating point, and the quality problems seen.
public struct VerifyDocument: Codable, Sendable, Equatable {
    public var similarity: Double
    public var threshold: Double
    /// The false-match rate the threshold was calibrated to; nil for a raw threshold.
    public var fmr: Double?
    public var decision: Decision
    /// The compared face of each image.
    public var faces: [FaceDocument]
    /// How many faces each image held.
    public var faceCounts: [Int]
    /// Every quality problem, as `first:<code>` or `second:<code>`.
    public var reasons: [String]

    enum CodingKeys: String, CodingKey {
        case similarity, threshold, fmr, decision, faces, reasons
        case faceCounts = "face_counts"
    }
}
