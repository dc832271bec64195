import Foundation
import PostgresNIO

extension PostgresStore {
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

    public func ensureSubject(tenantID: Int64, externalID: String, metadata: String?) async throws -> Subject {
        // One statement: RETURNING gives the row whether it was inserted or revived.
        let rows = try await rows(
            "creating a subject",
            """
            INSERT INTO subject (tenant_id, external_id, metadata, created_at)
            VALUES (\(tenantID), \(externalID), \(metadata), \(PostgresStore.nowMilliseconds))
            ON CONFLICT (tenant_id, external_id) DO UPDATE SET
                erased_at = NULL, metadata = coalesce(EXCLUDED.metadata, subject.metadata)
            RETURNING *
            """)
        guard let row = rows.first else { throw GalleryError(.storeFailure, "creating a subject returned no row") }
        return try PostgresStore.subject(row)
    }

    public func addTemplates(
        _ templates: [NewTemplate], subjectID: Int64, audit: AuditDraft, signer: AuditSigner
    ) async throws -> [Template] {
        try await transaction("adding templates") { connection in
            let now = PostgresStore.nowMilliseconds
            var stored: [Template] = []
            for template in templates {
                let rows = try await connection.rows(
                    """
                    INSERT INTO template (subject_id, pack, sealed, quality, created_at)
                    VALUES (\(subjectID), \(template.pack), \(template.sealed), \(template.quality), \(now))
                    RETURNING id
                    """)
                guard let row = rows.first else {
                    throw GalleryError(.storeFailure, "a template insert returned no id")
                }
                stored.append(
                    Template(
                        id: try row.value("id"), subjectID: subjectID, pack: template.pack,
                        sealed: template.sealed, quality: template.quality, createdAt: PostgresStore.date(now)))
            }
            var audit = audit
            audit.details["templates"] = .strings(stored.map { String($0.id) })
            _ = try await PostgresStore.append(audit, signer: signer, on: connection)
            return stored
        }
    }

    public func templates(subjectID: Int64) async throws -> [Template] {
        try await rows("reading templates", "SELECT * FROM template WHERE subject_id = \(subjectID) ORDER BY id")
            .map(PostgresStore.template)
    }

    public func templates(tenantID: Int64, pack: String) async throws -> [Template] {
        try await rows(
            "reading templates",
            """
            SELECT template.* FROM template JOIN subject ON subject.id = template.subject_id
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

    static func subject(_ row: PostgresRandomAccessRow) throws -> Subject {
        Subject(
            id: try row.value("id"), tenantID: try row.value("tenant_id"), externalID: try row.value("external_id"),
            metadata: try row.value("metadata"), createdAt: date(try row.value("created_at")),
            erasedAt: try row.value("erased_at", as: Int64?.self).map(date))
    }

    static func template(_ row: PostgresRandomAccessRow) throws -> Template {
        Template(
            id: try row.value("id"), subjectID: try row.value("subject_id"), pack: try row.value("pack"),
            sealed: try row.value("sealed"), quality: try row.value("quality"),
            createdAt: date(try row.value("created_at")))
    }
}
