import Foundation
import GRDB

extension SQLiteStore {
    public func secret(named name: String) async throws -> Data? {
        try await read { db in
            try Data.fetchOne(db, sql: "SELECT wrapped FROM secret WHERE name = ?", arguments: [name])
        }
    }

    public func tenant(named name: String) async throws -> Tenant? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM tenant WHERE name = ?", arguments: [name]).map(SQLiteStore.tenant)
        }
    }

    public func tenants() async throws -> [Tenant] {
        try await read { db in try Row.fetchAll(db, sql: "SELECT * FROM tenant ORDER BY id").map(SQLiteStore.tenant) }
    }

    public func subject(tenantID: Int64, externalID: String) async throws -> Subject? {
        try await read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM subject WHERE tenant_id = ? AND external_id = ?",
                arguments: [tenantID, externalID]
            ).map(SQLiteStore.subject)
        }
    }

    public func subjects(tenantID: Int64, afterID: Int64, limit: Int) async throws -> [Subject] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM subject WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT ?",
                arguments: [tenantID, afterID, limit]
            ).map(SQLiteStore.subject)
        }
    }

    public func subjectCount(tenantID: Int64) async throws -> Int {
        try await read { db in
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM subject WHERE tenant_id = ? AND erased_at IS NULL",
                arguments: [tenantID]) ?? 0
        }
    }

    public func templates(subjectID: Int64) async throws -> [Template] {
        try await read { db in
            try Row.fetchAll(
                db, sql: SQLiteStore.templateSelect + " WHERE template.subject_id = ? ORDER BY template.id",
                arguments: [subjectID])
                .map(SQLiteStore.template)
        }
    }

    public func templates(tenantID: Int64, pack: String) async throws -> [Template] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT template.*, subject.external_id AS subject_external_id
                    FROM template JOIN subject ON subject.id = template.subject_id
                    WHERE subject.tenant_id = ? AND template.pack = ? ORDER BY template.id
                    """,
                arguments: [tenantID, pack]
            ).map(SQLiteStore.template)
        }
    }

    public func templateCount(tenantID: Int64) async throws -> Int {
        try await read { db in
            try Int.fetchOne(
                db,
                sql:
                    "SELECT count(*) FROM template JOIN subject ON subject.id = template.subject_id WHERE tenant_id = ?",
                arguments: [tenantID]) ?? 0
        }
    }

    public func consents(subjectID: Int64) async throws -> [Consent] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM consent WHERE subject_id = ? ORDER BY id", arguments: [subjectID])
                .map(SQLiteStore.consent)
        }
    }
}
