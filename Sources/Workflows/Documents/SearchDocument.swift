import Gallery

/// `search`: the enrolled subjects most like the probe's face, best first.
public struct SearchDocument: Codable, Sendable, Equatable {
    public var candidates: [Candidate]
    public var threshold: Double
    public var fmr: Double?
    /// The probe's face.
    public var face: FaceDocument
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

/// `enroll`: what was stored, and the other subjects the face matched.
public struct EnrollmentDocument: Codable, Sendable, Equatable {
    public var subject: String
    public var status: EnrollmentResult.Status
    public var templates: [Int64]
    public var duplicates: [DuplicateFinding]

    public init(_ result: EnrollmentResult) {
        subject = result.subject
        status = result.status
        templates = result.templateIDs
        duplicates = result.duplicates
    }
}
