import Foundation

/// A liveness session as the store keeps it: one row of `liveness_session`.
///
/// The gallery only keeps the row; what the challenge and the outcome say is the service's
/// business, so both are opaque strings here (the service writes JSON into them).
public struct LivenessSessionRecord: Sendable, Equatable {
    /// How long a session's row is kept past its expiry, so a late upload still hears
    /// "expired" (and the backend can still read a decision) before the sweep deletes it.
    public static let retention: TimeInterval = 600

    /// Where a session is in its one use.
    public enum State: String, Sendable, CaseIterable {
        /// Waiting for its one recording.
        case pending
        /// The recording arrived and is being analysed.
        case analysing
        /// The recording was judged; `outcome` holds the decision.
        case completed
        /// The recording could not be judged; `outcome` holds why.
        case failed

        /// Whether the session's use is over.
        public var isFinal: Bool { self == .completed || self == .failed }
    }

    /// The session's id (the service's `ls_…`).
    public var id: String
    /// The tenant's name: sessions count against their tenant's capacity.
    public var tenant: String
    /// The challenge, opaque to the store.
    public var challenge: String
    /// The subject the live face is compared with, when there is one.
    public var subject: String?
    /// SHA-256 of the capture token; the token itself is never stored.
    public var captureTokenHash: Data
    public var createdAt: Date
    /// After this time a pending session can no longer be used.
    public var expiresAt: Date
    public var state: State
    /// The result or failure of a finished session, opaque to the store.
    public var outcome: String?
    /// When the state last changed.
    public var updatedAt: Date

    public init(
        id: String, tenant: String, challenge: String, subject: String?, captureTokenHash: Data, createdAt: Date,
        expiresAt: Date, state: State = .pending, outcome: String? = nil, updatedAt: Date? = nil
    ) {
        self.id = id
        self.tenant = tenant
        self.challenge = challenge
        self.subject = subject
        self.captureTokenHash = captureTokenHash
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.state = state
        self.outcome = outcome
        self.updatedAt = updatedAt ?? createdAt
    }

    /// The state read from a row, or `store_error` for one this version does not know.
    static func state(_ name: String, session id: String) throws -> State {
        guard let state = State(rawValue: name) else {
            throw GalleryError(.storeFailure, "liveness session \(id) has an unknown state \(name)")
        }
        return state
    }
}
