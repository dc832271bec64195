import Foundation

/// How a subject row came out of `StoreTransaction.storeSubject`.
public enum SubjectUpsert: Sendable, Equatable {
    /// A new row.
    case created
    /// An erased subject started afresh: new creation time, metadata and consent rule.
    case revived
    /// A live subject, returned as it is (metadata replaced when given).
    case existing
}

/// The answer of `storeSubject`.
public struct StoredSubject: Sendable, Equatable {
    public var subject: Subject
    public var outcome: SubjectUpsert
}
