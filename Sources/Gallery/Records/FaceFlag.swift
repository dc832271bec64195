import Foundation

/// Something raised about one stored face at enrolment, for a person to review.
public struct FaceFlag: Sendable, Equatable, Codable {
    /// What was raised.
    public enum Code: String, Sendable, Codable {
        /// The face matched other subjects (enrolled under policy `enroll_and_flag`).
        case possibleDuplicate = "possible_duplicate"
    }

    /// How a reviewer resolved a possible duplicate.
    public enum Resolution: String, Sendable, Codable, CaseIterable {
        /// The subjects are different people.
        case distinct
        /// The subjects are the same person (nothing is merged; the tenant decides what to do).
        case samePerson = "same_person"
    }

    /// The flagged template.
    public var templateID: Int64
    public var subjectID: Int64
    /// The tenant's id of the flagged subject.
    public var subject: String
    public var code: Code
    /// The other subjects the face matched, best first.
    public var duplicates: [DuplicateFinding]
    public var createdAt: Date
    public var reviewedAt: Date?
    public var resolution: Resolution?

    public init(
        templateID: Int64, subjectID: Int64, subject: String, code: Code, duplicates: [DuplicateFinding],
        createdAt: Date, reviewedAt: Date? = nil, resolution: Resolution? = nil
    ) {
        self.templateID = templateID
        self.subjectID = subjectID
        self.subject = subject
        self.code = code
        self.duplicates = duplicates
        self.createdAt = createdAt
        self.reviewedAt = reviewedAt
        self.resolution = resolution
    }

    /// The duplicates as stored (canonical JSON text).
    static func encode(_ duplicates: [DuplicateFinding]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(duplicates)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }

    static func decode(_ text: String) -> [DuplicateFinding] {
        (try? JSONDecoder().decode([DuplicateFinding].self, from: Data(text.utf8))) ?? []
    }
}

/// A flag about to be stored.
public struct NewFaceFlag: Sendable, Equatable {
    public var tenantID: Int64
    public var subjectID: Int64
    public var templateID: Int64
    public var code: FaceFlag.Code
    public var duplicates: [DuplicateFinding]

    public init(
        tenantID: Int64, subjectID: Int64, templateID: Int64, code: FaceFlag.Code, duplicates: [DuplicateFinding]
    ) {
        self.tenantID = tenantID
        self.subjectID = subjectID
        self.templateID = templateID
        self.code = code
        self.duplicates = duplicates
    }
}
