import Foundation
import PostgresNIO

extension PostgresStore {
    public func subjectPage(tenantID: Int64, prefix: String, after: String?, limit: Int) async throws
        -> StoredSubjectPage
    {
        let range = PrefixRange(prefix)
        // External ids compare in byte order (COLLATE "C"), as SQLite's do, whatever the
        // database's collation.
        let total =
            try await rows(
                "counting subjects",
                """
                SELECT count(*) AS n FROM subject
                WHERE tenant_id = \(tenantID) AND erased_at IS NULL AND external_id COLLATE "C" >= \(range.lower)
                    AND (\(range.upper)::text IS NULL OR external_id COLLATE "C" < \(range.upper))
                """
            ).first.map { try $0.value("n", as: Int.self) } ?? 0
        let page = try await rows(
            "listing subjects",
            """
            SELECT subject.*,
                (SELECT count(*) FROM template WHERE template.subject_id = subject.id) AS faces,
                coalesce((SELECT array_agg(purpose ORDER BY id) FROM consent
                    WHERE consent.subject_id = subject.id AND revoked_at IS NULL), '{}') AS purposes
            FROM subject
            WHERE tenant_id = \(tenantID) AND erased_at IS NULL AND external_id COLLATE "C" >= \(range.lower)
                AND (\(range.upper)::text IS NULL OR external_id COLLATE "C" < \(range.upper))
                AND (\(after)::text IS NULL OR external_id COLLATE "C" > \(after))
            ORDER BY external_id COLLATE "C" LIMIT \(limit)
            """)
        let listings = try page.map {
            SubjectListing(
                subject: try PostgresStore.subject($0), faces: try $0.value("faces", as: Int.self),
                consents: try $0.value("purposes", as: [String].self))
        }
        return StoredSubjectPage(subjects: listings, total: total)
    }

    public func faceFlags(subjectID: Int64) async throws -> [FaceFlag] {
        try await rows(
            "reading face flags",
            """
            SELECT face_flag.*, subject.external_id FROM face_flag JOIN subject ON subject.id = face_flag.subject_id
            WHERE face_flag.subject_id = \(subjectID) ORDER BY face_flag.template_id, face_flag.id
            """
        ).map(PostgresStore.faceFlag)
    }

    public func openFaceFlags(tenantID: Int64, afterTemplateID: Int64, limit: Int) async throws -> [FaceFlag] {
        try await rows(
            "reading face flags",
            """
            SELECT face_flag.*, subject.external_id FROM face_flag JOIN subject ON subject.id = face_flag.subject_id
            WHERE face_flag.tenant_id = \(tenantID) AND face_flag.reviewed_at IS NULL
                AND face_flag.template_id > \(afterTemplateID)
            ORDER BY face_flag.template_id, face_flag.id LIMIT \(limit)
            """
        ).map(PostgresStore.faceFlag)
    }

    public func auditEvents(tenant: String?, filter: AuditFilter, afterSequence: Int64, limit: Int) async throws
        -> [AuditEvent]
    {
        // Unnamed statements are planned with their values, so the conditions left out (null
        // parameters) cost nothing and the indexes by subject and by action serve those filters.
        let query: PostgresQuery = """
            SELECT * FROM audit_event
            WHERE sequence > \(afterSequence)
                AND (\(tenant)::text IS NULL OR tenant = \(tenant))
                AND (\(filter.subject)::text IS NULL OR subject = \(filter.subject))
                AND (cardinality(\(filter.actions)::text[]) = 0 OR action = ANY(\(filter.actions)::text[]))
                AND (\(filter.since?.storeMilliseconds)::bigint IS NULL OR time_ms >= \(filter.since?.storeMilliseconds))
                AND (\(filter.until?.storeMilliseconds)::bigint IS NULL OR time_ms < \(filter.until?.storeMilliseconds))
            ORDER BY sequence LIMIT \(limit)
            """
        return try await rows("reading the audit trail", query).map(PostgresStore.auditEvent)
    }
}
