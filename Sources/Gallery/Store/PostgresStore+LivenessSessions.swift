import Foundation
import PostgresNIO

extension PostgresStore {
    /// The first key of the advisory locks that serialise one tenant's session creations
    /// ("Live"); the second is a hash of the tenant's name. Locks taken with two keys never
    /// collide with the one-key audit and migration locks.
    static let livenessLockSpace: Int32 = 0x4C69_7665

    public func insertLivenessSession(_ session: LivenessSessionRecord, capacityPerTenant: Int) async throws -> Bool {
        let created = session.createdAt.storeMilliseconds
        do {
            return try await client.withConnection { connection in
                try await PostgresStore.transaction(on: connection) { connection in
                    // Under read committed, two creations could each count the other's tenant as
                    // one short of capacity; the tenant's lock makes the count and insert one step.
                    try await connection.rows(
                        "SELECT pg_advisory_xact_lock(\(PostgresStore.livenessLockSpace), hashtext(\(session.tenant)))")
                    let inserted = try await connection.rows(
                        """
                        INSERT INTO liveness_session (id, tenant, challenge, subject, capture_token_hash, created_at,
                            expires_at, state, outcome, updated_at)
                        SELECT \(session.id), \(session.tenant), \(session.challenge), \(session.subject)::text,
                            \(session.captureTokenHash), \(created), \(session.expiresAt.storeMilliseconds),
                            \(session.state.rawValue), \(session.outcome)::text, \(session.updatedAt.storeMilliseconds)
                        WHERE (
                            SELECT count(*) FROM liveness_session
                            WHERE tenant = \(session.tenant) AND state = 'pending' AND expires_at >= \(created)
                        ) < \(capacityPerTenant)
                        RETURNING id
                        """)
                    return !inserted.isEmpty
                }
            }
        } catch {
            throw failure("creating a liveness session", error)
        }
    }

    public func livenessSession(id: String) async throws -> LivenessSessionRecord? {
        try await rows("reading a liveness session", "SELECT * FROM liveness_session WHERE id = \(id)")
            .first.map(PostgresStore.livenessSession)
    }

    public func consumeLivenessSession(id: String, now: Date) async throws -> Bool {
        // One statement: a concurrent caller waits for the row lock, then finds the state changed.
        let time = now.storeMilliseconds
        return try await !rows(
            "taking a liveness session",
            """
            UPDATE liveness_session SET state = 'analysing', updated_at = \(time)
            WHERE id = \(id) AND state = 'pending' AND expires_at >= \(time)
            RETURNING id
            """
        ).isEmpty
    }

    @discardableResult
    public func finishLivenessSession(
        id: String, state: LivenessSessionRecord.State, outcome: String?, now: Date
    ) async throws -> Bool {
        try state.requireFinal()
        return try await !rows(
            "finishing a liveness session",
            """
            UPDATE liveness_session SET state = \(state.rawValue), outcome = \(outcome)::text,
                updated_at = \(now.storeMilliseconds)
            WHERE id = \(id) AND state = 'analysing'
            RETURNING id
            """
        ).isEmpty
    }

    @discardableResult
    public func sweepLivenessSessions(expiredBefore cutoff: Date) async throws -> Int {
        try await rows(
            "sweeping liveness sessions",
            """
            WITH swept AS (DELETE FROM liveness_session WHERE expires_at < \(cutoff.storeMilliseconds) RETURNING 1)
            SELECT count(*) AS n FROM swept
            """
        ).first.map { try $0.value("n", as: Int.self) } ?? 0
    }

    static func livenessSession(_ row: PostgresRandomAccessRow) throws -> LivenessSessionRecord {
        let id = try row.value("id", as: String.self)
        return LivenessSessionRecord(
            id: id, tenant: try row.value("tenant"), challenge: try row.value("challenge"),
            subject: try row.value("subject", as: String?.self),
            captureTokenHash: try row.value("capture_token_hash"), createdAt: date(try row.value("created_at")),
            expiresAt: date(try row.value("expires_at")),
            state: try LivenessSessionRecord.state(try row.value("state"), session: id),
            outcome: try row.value("outcome", as: String?.self), updatedAt: date(try row.value("updated_at")))
    }
}
