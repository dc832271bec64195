import Foundation
import PostgresNIO

extension PostgresStore {
    public func appendAudit(_ draft: AuditDraft, signer: AuditSigner) async throws -> AuditEvent {
        try await transaction("appending to the audit trail") { connection in
            try await PostgresStore.append(draft, signer: signer, on: connection)
        }
    }

    public func auditEvents(tenant: String?, afterSequence: Int64, limit: Int) async throws -> [AuditEvent] {
        let query: PostgresQuery =
            if let tenant {
                """
                SELECT * FROM audit_event WHERE tenant = \(tenant) AND sequence > \(afterSequence)
                ORDER BY sequence LIMIT \(limit)
                """
            } else {
                "SELECT * FROM audit_event WHERE sequence > \(afterSequence) ORDER BY sequence LIMIT \(limit)"
            }
        return try await rows("reading the audit trail", query).map { row in
            AuditEvent(
                sequence: try row.value("sequence"), timeMilliseconds: try row.value("time_ms"),
                tenant: try row.value("tenant"), actor: try row.value("actor"), action: try row.value("action"),
                subject: try row.value("subject"), details: try row.value("details"),
                previousHash: try row.value("previous_hash"), hash: try row.value("hash"))
        }
    }

    /// Appends inside the caller's transaction, linking to the last event.
    ///
    /// The caller's transaction holds the audit advisory lock (see `transaction`), so no other
    /// process can append between the read of the last event and the insert. Under READ
    /// COMMITTED each statement takes a fresh snapshot, so the read sees every append committed
    /// before the lock was granted.
    static func append(_ draft: AuditDraft, signer: AuditSigner, on connection: PostgresConnection) async throws
        -> AuditEvent
    {
        let last = try await connection.rows(
            "SELECT sequence, hash FROM audit_event ORDER BY sequence DESC LIMIT 1"
        ).first
        let sequence = (try last?.value("sequence", as: Int64.self) ?? 0) + 1
        let event = signer.link(
            draft, sequence: sequence, timeMilliseconds: nowMilliseconds,
            previousHash: try last?.value("hash", as: Data.self))
        try await connection.rows(
            """
            INSERT INTO audit_event
            (sequence, time_ms, tenant, actor, action, subject, details, previous_hash, hash)
            VALUES (\(event.sequence), \(event.timeMilliseconds), \(event.tenant), \(event.actor), \(event.action),
                \(event.subject), \(event.details), \(event.previousHash), \(event.hash))
            """)
        return event
    }
}
