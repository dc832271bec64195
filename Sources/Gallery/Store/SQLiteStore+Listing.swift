import Foundation
import GRDB

extension SQLiteStore {
    public func subjectPage(tenantID: Int64, prefix: String, after: String?, limit: Int) async throws
        -> StoredSubjectPage
    {
        let range = PrefixRange(prefix)
        return try await read { db in
            // One read, one snapshot: the page, its counts and the total agree.
            var conditions = "tenant_id = ? AND erased_at IS NULL AND external_id >= ?"
            var arguments: [(any DatabaseValueConvertible)?] = [tenantID, range.lower]
            if let upper = range.upper {
                conditions += " AND external_id < ?"
                arguments.append(upper)
            }
            let total =
                try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM subject WHERE \(conditions)",
                    arguments: StatementArguments(arguments)) ?? 0
            if let after {
                conditions += " AND external_id > ?"
                arguments.append(after)
            }
            arguments.append(limit)
            let subjects = try Row.fetchAll(
                db,
                sql: """
                    SELECT subject.*,
                        (SELECT count(*) FROM template WHERE template.subject_id = subject.id) AS faces
                    FROM subject WHERE \(conditions) ORDER BY external_id LIMIT ?
                    """,
                arguments: StatementArguments(arguments))
            // The page's active consents in one query, not one per subject.
            let ids: [Int64] = subjects.map { $0["id"] }
            var purposes: [Int64: [String]] = [:]
            if !ids.isEmpty {
                let placeholders = ids.map { _ in "?" }.joined(separator: ", ")
                let rows = try Row.fetchAll(
                    db,
                    sql: "SELECT subject_id, purpose FROM consent WHERE subject_id IN (\(placeholders)) "
                        + "AND revoked_at IS NULL ORDER BY id",
                    arguments: StatementArguments(ids))
                for row in rows { purposes[row["subject_id"], default: []].append(row["purpose"]) }
            }
            let listings = subjects.map { row in
                let subject = SQLiteStore.subject(row)
                return SubjectListing(subject: subject, faces: row["faces"], consents: purposes[subject.id] ?? [])
            }
            return StoredSubjectPage(subjects: listings, total: total)
        }
    }

    public func faceFlags(subjectID: Int64) async throws -> [FaceFlag] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT face_flag.*, subject.external_id FROM face_flag
                    JOIN subject ON subject.id = face_flag.subject_id
                    WHERE face_flag.subject_id = ? ORDER BY face_flag.template_id, face_flag.id
                    """,
                arguments: [subjectID]
            ).map(SQLiteStore.faceFlag)
        }
    }

    public func openFaceFlags(tenantID: Int64, afterTemplateID: Int64, limit: Int) async throws -> [FaceFlag] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT face_flag.*, subject.external_id FROM face_flag
                    JOIN subject ON subject.id = face_flag.subject_id
                    WHERE face_flag.tenant_id = ? AND face_flag.reviewed_at IS NULL AND face_flag.template_id > ?
                    ORDER BY face_flag.template_id, face_flag.id LIMIT ?
                    """,
                arguments: [tenantID, afterTemplateID, limit]
            ).map(SQLiteStore.faceFlag)
        }
    }

    public func auditEvents(tenant: String?, filter: AuditFilter, afterSequence: Int64, limit: Int) async throws
        -> [AuditEvent]
    {
        try await read { db in
            var conditions = ["sequence > ?"]
            var arguments: [(any DatabaseValueConvertible)?] = [afterSequence]
            if let tenant {
                conditions.append("tenant = ?")
                arguments.append(tenant)
            }
            if let subject = filter.subject {
                conditions.append("subject = ?")
                arguments.append(subject)
            }
            if !filter.actions.isEmpty {
                conditions.append("action IN (" + filter.actions.map { _ in "?" }.joined(separator: ", ") + ")")
                arguments.append(contentsOf: filter.actions.map { $0 as (any DatabaseValueConvertible)? })
            }
            if let since = filter.since {
                conditions.append("time_ms >= ?")
                arguments.append(since.storeMilliseconds)
            }
            if let until = filter.until {
                conditions.append("time_ms < ?")
                arguments.append(until.storeMilliseconds)
            }
            arguments.append(limit)
            let sql =
                "SELECT * FROM audit_event WHERE " + conditions.joined(separator: " AND ")
                + " ORDER BY sequence LIMIT ?"
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map(SQLiteStore.auditEvent)
        }
    }
}
