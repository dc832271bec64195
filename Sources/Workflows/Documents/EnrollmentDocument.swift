import Gallery

/// What an enrolment did: the route's answer and `likeness enroll --json`.
public struct EnrollmentDocument: Codable, Sendable, Equatable {
    public var subject: String
    public var status: EnrollmentResult.Status
    public var templates: [Int64]
    public var duplicates: [DuplicateFinding]
    /// The quality profile the images were judged by; nil when the check was skipped.
    public var profile: String?
    /// With quality mode `report`: the images enrolled although below the profile, and why.
    public var qualityFailures: [RejectedImage]

    public init(_ result: EnrollmentResult, profile: String? = nil, qualityFailures: [RejectedImage] = []) {
        subject = result.subject
        status = result.status
        templates = result.templateIDs
        duplicates = result.duplicates
        self.profile = profile
        self.qualityFailures = qualityFailures
    }

    enum CodingKeys: String, CodingKey {
        case subject, status, templates, duplicates, profile
        case qualityFailures = "quality_failures"
    }
}
