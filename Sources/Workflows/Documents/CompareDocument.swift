/// `find` / `POST /v1/compare`: one probe face against every face of a target image.
public struct CompareDocument: Codable, Sendable, Equatable {
    /// One face of the target image.
    public struct Candidate: Codable, Sendable, Equatable {
        public var face: FaceDocument
        public var similarity: Double
        public var match: Bool
    }

    public var threshold: Double
    /// The false-match rate the threshold was calibrated to; nil for a raw threshold.
    public var fmr: Double?
    /// The probe image's chosen face.
    public var probe: FaceDocument
    /// Every face of the target, most similar first.
    public var candidates: [Candidate]

    public init(threshold: Double, fmr: Double?, probe: FaceDocument, candidates: [Candidate]) {
        self.threshold = threshold
        self.fmr = fmr
        self.probe = probe
        self.candidates = candidates
    }
}
