import Foundation
import GRDB

extension SQLiteTransaction {
    func secret(named name: String) async throws -> Data? {
        try await store.access("reading secret \(name)") { db in
            try Data.fetchOne(db, sql: "SELECT wrapped FROM secret WHERE name = ?", arguments: [name])
        }
    }

    func tenantKeyVersion(_ tenantID: Int64) async throws -> Int? {
        try await store.access("reading the key version of tenant \(tenantID)") { db in
            try Int.fetchOne(db, sql: "SELECT key_version FROM tenant WHERE id = ?", arguments: [tenantID])
        }
    }

    func tenants() async throws -> [Tenant] {
        try await store.access("reading tenants") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM tenant ORDER BY id").map(SQLiteStore.tenant)
        }
    }

    func subjectConsents(_ subjectID: Int64) async throws -> [Consent] {
        try await store.access("reading consents") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM consent WHERE subject_id = ? ORDER BY id", arguments: [subjectID])
                .map(SQLiteStore.consent)
        }
    }

    func templates(tenantID: Int64) async throws -> [Template] {
        try await store.access("reading the templates of tenant \(tenantID)") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT template.*, subject.external_id AS subject_external_id
                    FROM template JOIN subject ON subject.id = template.subject_id
                    WHERE subject.tenant_id = ? ORDER BY template.id
                    """,
                arguments: [tenantID]
            ).map(SQLiteStore.template)
        }
    }

    func templatesAdded(tenantID: Int64, after afterSequence: Int64) async throws -> Bool {
        try await store.access("reading the change log") { db in
            try Bool.fetchOne(
                db,
                sql: """
                    SELECT EXISTS (SELECT 1 FROM change_log WHERE sequence > ? AND tenant_id = ? AND kind = ?)
                    """,
                arguments: [afterSequence, tenantID, Change.Kind.templateAdded.rawValue]) ?? false
        }
    }

    func appendChange(_ change: NewChange, at time: Date) async throws -> Int64 {
        try await store.access("appending to the change log") { db in
            // The writer holds SQLite's write lock (BEGIN IMMEDIATE), so max + 1 cannot race.
            let sequence = (try Int64.fetchOne(db, sql: "SELECT max(sequence) FROM change_log") ?? 0) + 1
            try db.execute(
                sql: """
                    INSERT INTO change_log (sequence, time_ms, tenant_id, kind, subject_id, template_id, key_version)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    sequence, time.storeMilliseconds, change.tenantID, change.kind.rawValue, change.subjectID,
                    change.templateID, change.keyVersion,
                ])
            if sequence % 1_000 == 0 {
                try db.execute(
                    sql: "DELETE FROM change_log WHERE sequence <= ?",
                    arguments: [sequence - ChangeLogRetention.changes])
            }
            return sequence
        }
    }
}

extension SQLiteStore {
    public func changeHead() async throws -> Int64 {
        try await read { db in try Int64.fetchOne(db, sql: "SELECT max(sequence) FROM change_log") ?? 0 }
    }

    public func changes(after afterSequence: Int64, limit: Int) async throws -> [Change] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM change_log WHERE sequence > ? ORDER BY sequence LIMIT ?",
                arguments: [afterSequence, limit]
            ).map(SQLiteStore.change)
        }
    }

    public func changeTail() async throws -> Int64? {
        try await read { db in try Int64.fetchOne(db, sql: "SELECT min(sequence) FROM change_log") }
    }

    public func templates(ids: [Int64]) async throws -> [Template] {
        guard !ids.isEmpty else { return [] }
        return try await read { db in
            var found: [Template] = []
            // Bounded batches: SQLite limits the number of bound parameters.
            for start in stride(from: 0, to: ids.count, by: 500) {
                let batch = Array(ids[start..<min(start + 500, ids.count)])
                let marks = Array(repeating: "?", count: batch.count).joined(separator: ",")
                found += try Row.fetchAll(
                    db, sql: SQLiteStore.templateSelect + " WHERE template.id IN (\(marks)) ORDER BY template.id",
                    arguments: StatementArguments(batch)
                ).map(SQLiteStore.template)
            }
            return found.sorted { $0.id < $1.id }
        }
    }

    public func subjectExternalIDs(ids: [Int64]) async throws -> [Int64: String] {
        guard !ids.isEmpty else { return [:] }
        return try await read { db in
            var found: [Int64: String] = [:]
            for start in stride(from: 0, to: ids.count, by: 500) {
                let batch = Array(ids[start..<min(start + 500, ids.count)])
                let marks = Array(repeating: "?", count: batch.count).joined(separator: ",")
                for row in try Row.fetchAll(
                    db, sql: "SELECT id, external_id FROM subject WHERE id IN (\(marks))",
                    arguments: StatementArguments(batch))
                {
                    found[row["id"]] = row["external_id"]
                }
            }
            return found
        }
    }

    /// SQLite has no push notifications: followers check the head before each read.
    public nonisolated func changeNotifications() -> AsyncStream<Int64>? { nil }
}
