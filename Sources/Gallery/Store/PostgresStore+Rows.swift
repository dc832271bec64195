import Foundation
import PostgresNIO

/// Records from PostgreSQL rows (times are stored as milliseconds since 1970).
extension PostgresStore {
    static func tenant(_ row: PostgresRandomAccessRow) throws -> Tenant {
        Tenant(
            id: try row.value("id"), name: try row.value("name"), wrappedKey: try row.value("wrapped_key"),
            keyVersion: try row.value("key_version"), createdAt: date(try row.value("created_at")))
    }

    static func subject(_ row: PostgresRandomAccessRow) throws -> Subject {
        Subject(
            id: try row.value("id"), tenantID: try row.value("tenant_id"), externalID: try row.value("external_id"),
            metadata: try row.value("metadata"), createdAt: date(try row.value("created_at")),
            erasedAt: try row.value("erased_at", as: Int64?.self).map(date),
            purgedAt: try row.value("purged_at", as: Int64?.self).map(date),
            consentRequired: try row.value("consent_required", as: Bool.self))
    }

    static func faceFlag(_ row: PostgresRandomAccessRow) throws -> FaceFlag {
        FaceFlag(
            templateID: try row.value("template_id"), subjectID: try row.value("subject_id"),
            subject: try row.value("external_id"),
            code: FaceFlag.Code(rawValue: try row.value("code", as: String.self)) ?? .possibleDuplicate,
            duplicates: FaceFlag.decode(try row.value("duplicates")), createdAt: date(try row.value("created_at")),
            reviewedAt: try row.value("reviewed_at", as: Int64?.self).map(date),
            resolution: try row.value("resolution", as: String?.self).flatMap(FaceFlag.Resolution.init(rawValue:)))
    }

    /// Templates with their subject's external id, which their authenticated context binds.
    static let templateSelect = """
        SELECT template.*, subject.external_id AS subject_external_id
        FROM template JOIN subject ON subject.id = template.subject_id
        """

    static func template(_ row: PostgresRandomAccessRow) throws -> Template {
        Template(
            id: try row.value("id"), subjectID: try row.value("subject_id"), pack: try row.value("pack"),
            sealed: try row.value("sealed"), quality: try row.value("quality"),
            createdAt: date(try row.value("created_at")), keyVersion: try row.value("key_version", as: Int?.self),
            subjectExternalID: row.contains("subject_external_id")
                ? try row.value("subject_external_id", as: String?.self) : nil)
    }

    static func change(_ row: PostgresRandomAccessRow) throws -> Change {
        let name = try row.value("kind", as: String.self)
        guard let kind = Change.Kind(rawValue: name) else {
            throw GalleryError(.storeFailure, "change \(try row.value("sequence", as: Int64.self)) has an unknown kind \(name)")
        }
        return Change(
            sequence: try row.value("sequence"), time: date(try row.value("time_ms")),
            tenantID: try row.value("tenant_id", as: Int64?.self), kind: kind,
            subjectID: try row.value("subject_id", as: Int64?.self),
            templateID: try row.value("template_id", as: Int64?.self),
            keyVersion: try row.value("key_version", as: Int?.self))
    }

    static func consent(_ row: PostgresRandomAccessRow) throws -> Consent {
        Consent(
            id: try row.value("id"), subjectID: try row.value("subject_id"), purpose: try row.value("purpose"),
            textVersion: try row.value("text_version"), textHash: try row.value("text_hash"),
            grantedAt: date(try row.value("granted_at")),
            revokedAt: try row.value("revoked_at", as: Int64?.self).map(date), evidence: try row.value("evidence"))
    }

    static func auditEvent(_ row: PostgresRandomAccessRow) throws -> AuditEvent {
        AuditEvent(
            sequence: try row.value("sequence"), timeMilliseconds: try row.value("time_ms"),
            tenant: try row.value("tenant"), actor: try row.value("actor"), action: try row.value("action"),
            subject: try row.value("subject"), details: try row.value("details"),
            previousHash: try row.value("previous_hash"), hash: try row.value("hash"))
    }

    /// A constant, spliced unescaped into queries whose values are all bound.
    static let apiKeySelect = """
        SELECT api_key.*, tenant.name AS tenant_name FROM api_key JOIN tenant ON tenant.id = api_key.tenant_id
        """

    static func apiKey(_ row: PostgresRandomAccessRow) throws -> APIKey {
        APIKey(
            id: try row.value("id"), tenantID: try row.value("tenant_id"), tenantName: try row.value("tenant_name"),
            label: try row.value("label"), createdAt: date(try row.value("created_at")),
            revokedAt: try row.value("revoked_at", as: Int64?.self).map(date))
    }
}
