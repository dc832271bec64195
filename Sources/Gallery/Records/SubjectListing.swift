import Foundation

/// One page of a tenant's subjects, by external id.
public struct SubjectListing: Sendable, Equatable {
    public var subject: Subject
    /// Stored templates.
    public var faces: Int
    /// The purpose of each active consent, in id order.
    public var consents: [String]

    public init(subject: Subject, faces: Int, consents: [String]) {
        self.subject = subject
        self.faces = faces
        self.consents = consents
    }
}

/// What a store returns for a page of subjects.
public struct StoredSubjectPage: Sendable, Equatable {
    public var subjects: [SubjectListing]
    /// Active subjects matching the prefix, on every page.
    public var total: Int
}
