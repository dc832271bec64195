/// What an enrolment does with an image below its quality profile.
public enum QualityMode: String, Codable, Sendable, CaseIterable {
    /// Refuse the enrolment (`low_quality`, naming every image below the profile and why).
    case enforce
    /// Enrol anyway and name those images and their reasons in the answer.
    case report
}
