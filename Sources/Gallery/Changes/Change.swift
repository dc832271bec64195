import Foundation

/// One committed change to a gallery's derived state, as recorded in the store's change log.
///
/// Every process that keeps a copy of derived state (a 1:N index, a tenant's keys, the master
/// key's wrapper) follows the log in sequence order and applies each change to its copy. A change
/// is written in the same transaction as the rows it describes, so it is committed with them or
/// not at all; sequences grow in commit order because store transactions are serialised.
public struct Change: Sendable, Equatable {
    /// What changed.
    public enum Kind: String, Sendable, CaseIterable {
        /// A template was stored (`subjectID`, `templateID`).
        case templateAdded = "template.added"
        /// A template was deleted (`subjectID`, `templateID`).
        case templateRemoved = "template.removed"
        /// A subject was erased (`subjectID`); its templates' removals are logged with it.
        case subjectErased = "subject.erased"
        /// A subject's consent was withdrawn (`subjectID`).
        case consentWithdrawn = "consent.withdrawn"
        /// A tenant's data key and transform were replaced (`keyVersion` is the new version).
        case tenantKeyRotated = "tenant.key_rotated"
        /// Every wrapped key was re-wrapped under a new master key (no tenant).
        case masterKeyRewrapped = "master.rewrapped"
    }

    public var sequence: Int64
    public var time: Date
    public var tenantID: Int64?
    public var kind: Kind
    public var subjectID: Int64?
    public var templateID: Int64?
    public var keyVersion: Int?

    public init(
        sequence: Int64, time: Date, tenantID: Int64?, kind: Kind, subjectID: Int64? = nil, templateID: Int64? = nil,
        keyVersion: Int? = nil
    ) {
        self.sequence = sequence
        self.time = time
        self.tenantID = tenantID
        self.kind = kind
        self.subjectID = subjectID
        self.templateID = templateID
        self.keyVersion = keyVersion
    }
}

/// A change about to be appended to the log (the store assigns its sequence).
public struct NewChange: Sendable, Equatable {
    public var tenantID: Int64?
    public var kind: Change.Kind
    public var subjectID: Int64?
    public var templateID: Int64?
    public var keyVersion: Int?

    public init(
        _ kind: Change.Kind, tenantID: Int64?, subjectID: Int64? = nil, templateID: Int64? = nil,
        keyVersion: Int? = nil
    ) {
        self.kind = kind
        self.tenantID = tenantID
        self.subjectID = subjectID
        self.templateID = templateID
        self.keyVersion = keyVersion
    }
}

/// How much of the change log a store keeps: a follower further behind than this rebuilds its
/// copies from the tables instead of replaying.
public enum ChangeLogRetention {
    /// Changes kept behind the head (older ones are pruned as new ones are appended).
    public static let changes: Int64 = 100_000
}
