import Foundation
import PostgresNIO

extension PostgresTransaction {
    func secret(named name: String) async throws -> Data? {
        try await connectionRows("reading secret \(name)", "SELECT wrapped FROM secret WHERE name = \(name)")
            .first.map { try $0.value("wrapped", as: Data.self) }
    }

    func tenantKeyVersion(_ tenantID: Int64) async throws -> Int? {
        try await connectionRows(
            "reading the key version of tenant \(tenantID)", "SELECT key_version FROM tenant WHERE id = \(tenantID)"
        ).first.map { try $0.value("key_version", as: Int.self) }
    }

    func tenants() async throws -> [Tenant] {
        try await connectionRows("reading tenants", "SELECT * FROM tenant ORDER BY id").map(PostgresStore.tenant)
    }

    func subjectConsents(_ subjectID: Int64) async throws -> [Consent] {
        try await connectionRows(
            "reading consents", "SELECT * FROM consent WHERE subject_id = \(subjectID) ORDER BY id"
        ).map(PostgresStore.consent)
    }

    func templates(tenantID: Int64) async throws -> [Template] {
        try await connectionRows(
            "reading the templates of tenant \(tenantID)",
            """
            SELECT template.*, subject.external_id AS subject_external_id
            FROM template JOIN subject ON subject.id = template.subject_id
            WHERE subject.tenant_id = \(tenantID) ORDER BY template.id
            """
        ).map(PostgresStore.template)
    }

    func templatesAdded(tenantID: Int64, after afterSequence: Int64) async throws -> Bool {
        try await connectionRows(
            "reading the change log",
            """
            SELECT EXISTS (SELECT 1 FROM change_log WHERE sequence > \(afterSequence) AND tenant_id = \(tenantID)
                AND kind = \(Change.Kind.templateAdded.rawValue)) AS added
            """
        ).first!.value("added", as: Bool.self)
    }

    func appendChange(_ change: NewChange, at time: Date) async throws -> Int64 {
        // Under the transaction's advisory lock, so max + 1 cannot race and sequences follow
        // commit order. NOTIFY is delivered when (and only if) the transaction commits.
        let sequence =
            try await connectionRows(
                "reading the change log's head", "SELECT coalesce(max(sequence), 0) + 1 AS next FROM change_log"
            ).first!.value("next", as: Int64.self)
        try await connectionRows(
            "appending to the change log",
            """
            INSERT INTO change_log (sequence, time_ms, tenant_id, kind, subject_id, template_id, key_version)
            VALUES (\(sequence), \(time.storeMilliseconds), \(change.tenantID), \(change.kind.rawValue),
                    \(change.subjectID), \(change.templateID), \(change.keyVersion))
            """)
        try await connectionRows(
            "notifying the change log's followers",
            "SELECT pg_notify(\(PostgresStore.changeChannel), \(String(sequence)))")
        if sequence % 1_000 == 0 {
            try await connectionRows(
                "pruning the change log",
                "DELETE FROM change_log WHERE sequence <= \(sequence - ChangeLogRetention.changes)")
        }
        return sequence
    }

    @discardableResult
    private func connectionRows(_ what: String, _ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        do {
            return try await connection.rows(query)
        } catch {
            throw store.failure(what, error)
        }
    }
}

extension PostgresStore {
    /// The NOTIFY channel on which each committed change announces its sequence.
    static let changeChannel = "likeness_changes"

    public func changeHead() async throws -> Int64 {
        try await rows("reading the change log's head", "SELECT coalesce(max(sequence), 0) AS head FROM change_log")
            .first!.value("head", as: Int64.self)
    }

    public func changes(after afterSequence: Int64, limit: Int) async throws -> [Change] {
        try await rows(
            "reading the change log",
            "SELECT * FROM change_log WHERE sequence > \(afterSequence) ORDER BY sequence LIMIT \(limit)"
        ).map(PostgresStore.change)
    }

    public func changeTail() async throws -> Int64? {
        try await rows("reading the change log's tail", "SELECT min(sequence) AS tail FROM change_log")
            .first?.value("tail", as: Int64?.self)
    }

    public func templates(ids: [Int64]) async throws -> [Template] {
        guard !ids.isEmpty else { return [] }
        return try await rows(
            "reading templates by id",
            "\(unescaped: PostgresStore.templateSelect) WHERE template.id = ANY(\(ids)::bigint[]) ORDER BY template.id"
        ).map(PostgresStore.template)
    }

    public func subjectExternalIDs(ids: [Int64]) async throws -> [Int64: String] {
        guard !ids.isEmpty else { return [:] }
        var found: [Int64: String] = [:]
        for row in try await rows(
            "reading subjects by id", "SELECT id, external_id FROM subject WHERE id = ANY(\(ids)::bigint[])")
        {
            found[try row.value("id", as: Int64.self)] = try row.value("external_id", as: String.self)
        }
        return found
    }

    /// A stream of committed change sequences from LISTEN on a connection of its own.
    ///
    /// When the connection drops, the stream yields 0 (so the follower catches up by reading
    /// the log: notifications sent while nobody listened are lost) and reconnects after a
    /// second, until the stream's consumer goes away.
    public nonisolated func changeNotifications() -> AsyncStream<Int64>? {
        let configuration = connectionConfiguration
        let logger = logger
        let location = location
        return AsyncStream { continuation in
            let task = Task {
                var reported = false
                while !Task.isCancelled {
                    do {
                        let connection = try await PostgresConnection.connect(
                            configuration: configuration, id: 1, logger: PostgresStore.queryLogger)
                        do {
                            try await connection.listen(on: PostgresStore.changeChannel) { notifications in
                                continuation.yield(0)  // anything committed before LISTEN took effect
                                reported = false
                                for try await notification in notifications {
                                    continuation.yield(Int64(notification.payload) ?? 0)
                                }
                            }
                        } catch {
                            try? await connection.close()
                            throw error
                        }
                        try? await connection.close()
                    } catch {
                        if Task.isCancelled { break }
                        if !reported {
                            logger.warning(
                                "listening for gallery changes failed; following by polling until it reconnects",
                                metadata: [
                                    "database": "\(location.redacted)", "reason": "\(PostgresStore.describe(error))",
                                ])
                            reported = true
                        }
                        continuation.yield(0)
                    }
                    try? await Task.sleep(for: .seconds(1))
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
