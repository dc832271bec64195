import Foundation
import PostgresNIO

extension PostgresStore {
    public func secret(named name: String) async throws -> Data? {
        try await rows("reading secret \(name)", "SELECT wrapped FROM secret WHERE name = \(name)")
            .first.map { try $0.value("wrapped", as: Data.self) }
    }

    public func tenant(named name: String) async throws -> Tenant? {
        try await rows("reading tenant \(name)", "SELECT * FROM tenant WHERE name = \(name)")
            .first.map(PostgresStore.tenant)
    }

    public func tenants() async throws -> [Tenant] {
        try await rows("listing tenants", "SELECT * FROM tenant ORDER BY id").map(PostgresStore.tenant)
    }

    public func subject(tenantID: Int64, externalID: String) async throws -> Subject? {
        try await rows(
            "reading a subject",
            "SELECT * FROM subject WHERE tenant_id = \(tenantID) AND external_id = \(externalID)"
        ).first.map(PostgresStore.subject)
    }

    public func subjects(tenantID: Int64, afterID: Int64, limit: Int) async throws -> [Subject] {
        try await rows(
            "listing subjects",
            "SELECT * FROM subject WHERE tenant_id = \(tenantID) AND id > \(afterID) ORDER BY id LIMIT \(limit)"
        ).map(PostgresStore.subject)
    }

    public func subjectCount(tenantID: Int64) async throws -> Int {
        try await rows(
            "counting subjects",
            "SELECT count(*) AS n FROM subject WHERE tenant_id = \(tenantID) AND erased_at IS NULL"
        ).first.map { try $0.value("n", as: Int.self) } ?? 0
    }

    public func templates(subjectID: Int64) async throws -> [Template] {
        try await rows(
            "reading templates",
            "\(unescaped: PostgresStore.templateSelect) WHERE template.subject_id = \(subjectID) ORDER BY template.id")
            .map(PostgresStore.template)
    }

    public func templates(tenantID: Int64, pack: String) async throws -> [Template] {
        try await rows(
            "reading templates",
            """
            SELECT template.*, subject.external_id AS subject_external_id
            FROM template JOIN subject ON subject.id = template.subject_id
            WHERE subject.tenant_id = \(tenantID) AND template.pack = \(pack) ORDER BY template.id
            """
        ).map(PostgresStore.template)
    }

    public func templateCount(tenantID: Int64) async throws -> Int {
        try await rows(
            "counting templates",
            """
            SELECT count(*) AS n FROM template JOIN subject ON subject.id = template.subject_id
            WHERE subject.tenant_id = \(tenantID)
            """
        ).first.map { try $0.value("n", as: Int.self) } ?? 0
    }

    public func consents(subjectID: Int64) async throws -> [Consent] {
        try await rows("reading consents", "SELECT * FROM consent WHERE subject_id = \(subjectID) ORDER BY id")
            .map(PostgresStore.consent)
    }
}
