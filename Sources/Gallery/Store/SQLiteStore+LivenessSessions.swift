import Foundation
import GRDB

extension SQLiteStore {
    public func insertLivenessSession(_ session: LivenessSessionRecord, capacityPerTenant: Int) async throws -> Bool {
        try await writeAlone("creating a liveness session") { db in
            let open =
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT count(*) FROM liveness_session
                        WHERE tenant = ? AND state = 'pending' AND expires_at >= ?
                        """,
                    arguments: [session.tenant, session.createdAt.storeMilliseconds]) ?? 0
            guard open < capacityPerTenant else { return false }
            try db.execute(
                sql: """
                    INSERT INTO liveness_session (id, tenant, challenge, subject, capture_token_hash, created_at,
                        expires_at, state, outcome, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    session.id, session.tenant, session.challenge, session.subject, session.captureTokenHash,
                    session.createdAt.storeMilliseconds, session.expiresAt.storeMilliseconds, session.state.rawValue,
                    session.outcome, session.updatedAt.storeMilliseconds,
                ])
            return true
        }
    }

    public func livenessSession(id: String) async throws -> LivenessSessionRecord? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM liveness_session WHERE id = ?", arguments: [id])
                .map(SQLiteStore.livenessSession)
        }
    }

    public func consumeLivenessSession(id: String, now: Date) async throws -> Bool {
        let time = now.storeMilliseconds
        return try await writeAlone("taking a liveness session") { db in
            try db.execute(
                sql: """
                    UPDATE liveness_session SET state = 'analysing', updated_at = ?
                    WHERE id = ? AND state = 'pending' AND expires_at >= ?
                    """,
                arguments: [time, id, time])
            return db.changesCount > 0
        }
    }

    @discardableResult
    public func finishLivenessSession(
        id: String, state: LivenessSessionRecord.State, outcome: String?, now: Date
    ) async throws -> Bool {
        try state.requireFinal()
        let time = now.storeMilliseconds
        return try await writeAlone("finishing a liveness session") { db in
            try db.execute(
                sql: """
                    UPDATE liveness_session SET state = ?, outcome = ?, updated_at = ?
                    WHERE id = ? AND state = 'analysing'
                    """,
                arguments: [state.rawValue, outcome, time, id])
            return db.changesCount > 0
        }
    }

    @discardableResult
    public func sweepLivenessSessions(expiredBefore cutoff: Date) async throws -> Int {
        let time = cutoff.storeMilliseconds
        return try await writeAlone("sweeping liveness sessions") { db in
            try db.execute(sql: "DELETE FROM liveness_session WHERE expires_at < ?", arguments: [time])
            return db.changesCount
        }
    }

    /// `body` in a write transaction of its own.
    ///
    /// Under the writer lock, because `transaction` keeps a transaction open on the one writer
    /// connection across awaits: a write made meanwhile would land inside it, and be committed
    /// or rolled back with somebody else's work. IMMEDIATE takes SQLite's write lock before
    /// anything is read, so a writer of another process waits rather than racing the count or
    /// the state this body checks.
    private func writeAlone<T: Sendable>(_ what: String, _ body: @Sendable @escaping (Database) throws -> T)
        async throws -> T
    {
        try await writerLock.withLock {
            try await self.access(what) { db in
                try db.execute(sql: "BEGIN IMMEDIATE")
                do {
                    let value = try body(db)
                    try db.execute(sql: "COMMIT")
                    return value
                } catch {
                    if db.isInsideTransaction { try? db.execute(sql: "ROLLBACK") }
                    throw error
                }
            }
        }
    }

    static func livenessSession(_ row: Row) throws -> LivenessSessionRecord {
        let id: String = row["id"]
        return LivenessSessionRecord(
            id: id, tenant: row["tenant"], challenge: row["challenge"], subject: row["subject"],
            captureTokenHash: row["capture_token_hash"], createdAt: Date(storeMilliseconds: row["created_at"]),
            expiresAt: Date(storeMilliseconds: row["expires_at"]),
            state: try LivenessSessionRecord.state(row["state"], session: id), outcome: row["outcome"],
            updatedAt: Date(storeMilliseconds: row["updated_at"]))
    }
}
