import Foundation

/// Where the audit chain ends: what the next event's sequence and previous hash follow from.
public struct AuditLink: Sendable, Equatable {
    public var sequence: Int64
    public var hash: Data

    public init(sequence: Int64, hash: Data) {
        self.sequence = sequence
        self.hash = hash
    }
}
