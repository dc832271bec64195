import Gallery

/// `search`: the enrolled subjects most like the probe's face, best first, and the decision.
public struct SearchDocument: Codable, Sendable, Equatable {
    public var candidates: [Candidate]
    public var threshold: Double
    /// Per comparison; nil for a raw threshold.
    public var fmr: Double?
    /// The false-positive identification rate the threshold holds at `gallery_size`; nil for a raw threshold.
    public var fpir: Double?
    /// Subjects with a template for the model pack when the search ran.
    public var gallerySize: Int
    /// `match` when the best candidate reaches the threshold, else `unknown`.
    public var decision: IdentificationDecision
    /// The probe's face.
    public var face: FaceDocument

    enum CodingKeys: String, CodingKey {
        case candidates, threshold, fmr, fpir, decision, face
        case gallerySize = "gallery_size"
    }

    public init(candidates: [Candidate], point: IdentificationPoint, face: FaceDocument) {
        self.candidates = candidates
        threshold = point.threshold
        fmr = point.fmr
        fpir = point.fpir
        gallerySize = point.gallery.subjects
        decision = IdentificationDecision(candidates)
        self.face = face
    }
}

/// `subjects verify` / `POST /v1/subjects/{id}/verify`: face sign-in against a claimed subject.
public struct SubjectVerifyDocument: Codable, Sendable, Equatable {
    public var subject: String
    /// The fused score: the mean of the two best template similarities (the best, with one).
    public var similarity: Double
    /// Every template's similarity, best first.
    public var scores: [Double]
    public var threshold: Double
    public var fmr: Double?
    public var decision: Decision
    public var face: FaceDocument
}
