import Foundation

/// Liveness sessions kept in the gallery's store, so that every process on the store (every
/// `likeness serve` node on one PostgreSQL database, or the processes on one SQLite file) can
/// serve a session another one created.
///
/// Each primitive is atomic on its own, across processes: the decisions that must not race
/// (whether a tenant has room for one more session, who takes a session's one upload) are made
/// by the store, not by reading first and writing after.
///
/// A session is unexpired at `now` while `expiresAt >= now`.
public protocol LivenessSessionStore: Sendable {
    /// Stores `session` (pending) unless its tenant already has `capacityPerTenant` sessions
    /// that are pending and unexpired at `session.createdAt`; the count and the insert are one
    /// atomic step, so concurrent creations never overshoot the capacity.
    ///
    /// - Returns: false, with nothing written, when the tenant is at capacity.
    func insertLivenessSession(_ session: LivenessSessionRecord, capacityPerTenant: Int) async throws -> Bool

    /// The session in any state, until it is swept.
    func livenessSession(id: String) async throws -> LivenessSessionRecord?

    /// Moves the session from pending and unexpired at `now` to analysing.
    ///
    /// - Returns: true for exactly one of any number of concurrent callers, on any process;
    ///   false when the session is missing, expired or already taken.
    func consumeLivenessSession(id: String, now: Date) async throws -> Bool

    /// Records the end of an analysing session: `state` (completed or failed) and its `outcome`.
    ///
    /// - Returns: false when the session is missing or was not analysing (nothing written).
    /// - Throws: `invalid_argument` for a state that is not final.
    @discardableResult
    func finishLivenessSession(id: String, state: LivenessSessionRecord.State, outcome: String?, now: Date)
        async throws -> Bool

    /// Deletes every session, in any state, that expired before `cutoff`.
    ///
    /// - Returns: how many were deleted.
    @discardableResult
    func sweepLivenessSessions(expiredBefore cutoff: Date) async throws -> Int
}

extension LivenessSessionRecord.State {
    /// Refuses a state that `finishLivenessSession` cannot record.
    func requireFinal() throws {
        guard isFinal else {
            throw GalleryError(.invalidArgument, "a liveness session finishes completed or failed, not \(rawValue)")
        }
    }
}
