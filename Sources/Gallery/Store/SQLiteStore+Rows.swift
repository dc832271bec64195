import Foundation
import GRDB

/// Records from SQLite rows (times are stored as milliseconds since 1970).
extension SQLiteStore {
    static func tenant(_ row: Row) -> Tenant {
        Tenant(
            id: row["id"], name: row["name"], wrappedKey: row["wrapped_key"], keyVersion: row["key_version"],
            createdAt: Date(storeMilliseconds: row["created_at"]))
    }

    static func subject(_ row: Row) -> Subject {
        Subject(
            id: row["id"], tenantID: row["tenant_id"], externalID: row["external_id"], metadata: row["metadata"],
            createdAt: Date(storeMilliseconds: row["created_at"]),
            erasedAt: (row["erased_at"] as Int64?).map(Date.init(storeMilliseconds:)),
            purgedAt: (row["purged_at"] as Int64?).map(Date.init(storeMilliseconds:)),
            consentRequired: row["consent_required"] ?? true)
    }

    static func faceFlag(_ row: Row) -> FaceFlag {
        FaceFlag(
            templateID: row["template_id"], subjectID: row["subject_id"], subject: row["external_id"],
            code: FaceFlag.Code(rawValue: row["code"]) ?? .possibleDuplicate,
            duplicates: FaceFlag.decode(row["duplicates"]), createdAt: Date(storeMilliseconds: row["created_at"]),
            reviewedAt: (row["reviewed_at"] as Int64?).map(Date.init(storeMilliseconds:)),
            resolution: (row["resolution"] as String?).flatMap(FaceFlag.Resolution.init(rawValue:)))
    }

    /// Templates with their subject's external id, which their authenticated context binds.
    static let templateSelect = """
        SELECT template.*, subject.external_id AS subject_external_id
        FROM template JOIN subject ON subject.id = template.subject_id
        """

    static func template(_ row: Row) -> Template {
        Template(
            id: row["id"], subjectID: row["subject_id"], pack: row["pack"], sealed: row["sealed"],
            quality: row["quality"], createdAt: Date(storeMilliseconds: row["created_at"]),
            keyVersion: row["key_version"], subjectExternalID: row["subject_external_id"])
    }

    static func change(_ row: Row) throws -> Change {
        let name: String = row["kind"]
        guard let kind = Change.Kind(rawValue: name) else {
            throw GalleryError(.storeFailure, "change \(row["sequence"] as Int64) has an unknown kind \(name)")
        }
        return Change(
            sequence: row["sequence"], time: Date(storeMilliseconds: row["time_ms"]), tenantID: row["tenant_id"],
            kind: kind, subjectID: row["subject_id"], templateID: row["template_id"], keyVersion: row["key_version"])
    }

    static func consent(_ row: Row) -> Consent {
        Consent(
            id: row["id"], subjectID: row["subject_id"], purpose: row["purpose"], textVersion: row["text_version"],
            textHash: row["text_hash"], grantedAt: Date(storeMilliseconds: row["granted_at"]),
            revokedAt: (row["revoked_at"] as Int64?).map(Date.init(storeMilliseconds:)), evidence: row["evidence"])
    }

    static func auditEvent(_ row: Row) -> AuditEvent {
        AuditEvent(
            sequence: row["sequence"], timeMilliseconds: row["time_ms"], tenant: row["tenant"], actor: row["actor"],
            action: row["action"], subject: row["subject"], details: row["details"],
            previousHash: row["previous_hash"], hash: row["hash"])
    }

    static let apiKeySelect = """
        SELECT api_key.*, tenant.name AS tenant_name FROM api_key JOIN tenant ON tenant.id = api_key.tenant_id
        """

    static func apiKey(_ row: Row) -> APIKey {
        APIKey(
            id: row["id"], tenantID: row["tenant_id"], tenantName: row["tenant_name"], label: row["label"],
            createdAt: Date(storeMilliseconds: row["created_at"]),
            revokedAt: (row["revoked_at"] as Int64?).map(Date.init(storeMilliseconds:)))
    }
}
