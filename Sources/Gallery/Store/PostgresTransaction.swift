import Foundation
import PostgresNIO

/// The primitives of a PostgreSQL transaction, on the connection that `PostgresStore.transaction`
/// began it on (holding the audit advisory lock).
struct PostgresTransaction: StoreTransaction {
    let store: PostgresStore
    let connection: PostgresConnection

    /// Runs one statement of the transaction; a failure names what failed.
    @discardableResult
    private func run(_ what: String, _ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        do {
            return try await connection.rows(query)
        } catch {
            throw store.failure(what, error)
        }
    }

    private func first(_ what: String, _ query: PostgresQuery) async throws -> PostgresRandomAccessRow {
        guard let row = try await run(what, query).first else {
            throw GalleryError(.storeFailure, "\(what) returned no row")
        }
        return row
    }

    func insertSecretIfAbsent(named name: String, wrapped: Data) async throws -> Data {
        // DO NOTHING waits for a concurrent insert of the same name to finish, so the select
        // below always finds the row that won.
        try await run(
            "storing secret \(name)",
            "INSERT INTO secret (name, wrapped) VALUES (\(name), \(wrapped)) ON CONFLICT (name) DO NOTHING")
        return try await first("reading secret \(name)", "SELECT wrapped FROM secret WHERE name = \(name)")
            .value("wrapped", as: Data.self)
    }

    func updateSecret(named name: String, wrapped: Data) async throws {
        try await run("replacing secret \(name)", "UPDATE secret SET wrapped = \(wrapped) WHERE name = \(name)")
    }

    func insertTenantIfAbsent(named name: String, wrappedKey: Data, at time: Date) async throws -> Tenant {
        try await run(
            "creating tenant \(name)",
            """
            INSERT INTO tenant (name, wrapped_key, created_at) VALUES (\(name), \(wrappedKey), \(time.storeMilliseconds))
            ON CONFLICT (name) DO NOTHING
            """)
        return try PostgresStore.tenant(
            try await first("reading tenant \(name)", "SELECT * FROM tenant WHERE name = \(name)"))
    }

    func updateTenantKey(_ tenantID: Int64, wrappedKey: Data, newVersion: Bool) async throws {
        try await run(
            "replacing the key of tenant \(tenantID)",
            """
            UPDATE tenant SET wrapped_key = \(wrappedKey), key_version = key_version + \(newVersion ? 1 : 0)
            WHERE id = \(tenantID)
            """)
    }

    func storeSubject(
        tenantID: Int64, externalID: String, metadata: String?, consentRequired: Bool, at time: Date
    ) async throws -> StoredSubject {
        // Under the transaction's advisory lock: no other writer changes the row in between.
        let existing = try await run(
            "reading a subject",
            "SELECT * FROM subject WHERE tenant_id = \(tenantID) AND external_id = \(externalID) FOR UPDATE"
        ).first.map(PostgresStore.subject)
        let row: PostgresRandomAccessRow
        let outcome: SubjectUpsert
        if let existing, existing.erasedAt != nil {
            outcome = .revived
            row = try await first(
                "reviving a subject",
                """
                UPDATE subject SET erased_at = NULL, purged_at = NULL, created_at = \(time.storeMilliseconds),
                    metadata = \(metadata), consent_required = \(consentRequired)
                WHERE id = \(existing.id) RETURNING *
                """)
        } else if let existing, metadata == nil {
            // Nothing to change: the live subject as it is (SQLite skips the write too).
            return StoredSubject(subject: existing, outcome: .existing)
        } else if let existing {
            outcome = .existing
            row = try await first(
                "storing a subject",
                """
                UPDATE subject SET metadata = coalesce(\(metadata)::text, metadata) WHERE id = \(existing.id)
                RETURNING *
                """)
        } else {
            outcome = .created
            row = try await first(
                "storing a subject",
                """
                INSERT INTO subject (tenant_id, external_id, metadata, created_at, consent_required)
                VALUES (\(tenantID), \(externalID), \(metadata), \(time.storeMilliseconds), \(consentRequired))
                RETURNING *
                """)
        }
        return StoredSubject(subject: try PostgresStore.subject(row), outcome: outcome)
    }

    func updateSubjectMetadata(_ subjectID: Int64, metadata: String?) async throws {
        try await run(
            "updating the metadata of subject \(subjectID)",
            "UPDATE subject SET metadata = \(metadata) WHERE id = \(subjectID)")
    }

    func updateSubjectConsentRequired(_ subjectID: Int64, _ required: Bool) async throws {
        try await run(
            "updating subject \(subjectID)",
            "UPDATE subject SET consent_required = \(required) WHERE id = \(subjectID)")
    }

    func updateSubject(_ subjectID: Int64, erasedAt: Date?, metadata: String?) async throws {
        try await run(
            "updating subject \(subjectID)",
            """
            UPDATE subject SET erased_at = \(erasedAt?.storeMilliseconds), purged_at = NULL, metadata = \(metadata)
            WHERE id = \(subjectID)
            """)
    }

    func insertTemplate(_ template: NewTemplate, subjectID: Int64, at time: Date) async throws -> Template {
        try PostgresStore.template(
            try await first(
                "storing a template",
                """
                INSERT INTO template (subject_id, pack, sealed, quality, created_at, key_version)
                VALUES (\(subjectID), \(template.pack), \(template.sealed), \(template.quality), \(time.storeMilliseconds),
                        \(template.keyVersion))
                RETURNING *, (SELECT external_id FROM subject WHERE id = \(subjectID)) AS subject_external_id
                """))
    }

    func updateTemplates(sealed: [Int64: Data], keyVersion: Int) async throws {
        guard !sealed.isEmpty else { return }
        // One statement for all templates rather than a round trip each.
        let ids = Array(sealed.keys)
        let bytes = ids.map { ByteBuffer(bytes: sealed[$0]!) }
        try await run(
            "replacing templates",
            """
            UPDATE template SET sealed = new.sealed, key_version = \(keyVersion)
            FROM unnest(\(ids)::bigint[], \(bytes)::bytea[]) AS new(id, sealed)
            WHERE template.id = new.id
            """)
    }

    func deleteTemplates(subjectID: Int64) async throws -> [Int64] {
        try await run("deleting templates", "DELETE FROM template WHERE subject_id = \(subjectID) RETURNING id")
            .map { try $0.value("id", as: Int64.self) }.sorted()
    }

    func deleteTemplate(_ templateID: Int64, subjectID: Int64) async throws -> Bool {
        try await run(
            "deleting a template",
            "DELETE FROM template WHERE id = \(templateID) AND subject_id = \(subjectID) RETURNING id"
        ).count == 1
    }

    func insertFaceErasure(templateID: Int64, subjectID: Int64, at time: Date) async throws {
        try await run(
            "recording a face erasure",
            """
            INSERT INTO face_erasure (template_id, subject_id, erased_at)
            VALUES (\(templateID), \(subjectID), \(time.storeMilliseconds))
            ON CONFLICT (template_id) DO UPDATE SET erased_at = EXCLUDED.erased_at, purged_at = NULL
            """)
    }

    func insertFaceFlag(_ flag: NewFaceFlag, at time: Date) async throws {
        try await run(
            "flagging a face",
            """
            INSERT INTO face_flag (tenant_id, subject_id, template_id, code, duplicates, created_at)
            VALUES (\(flag.tenantID), \(flag.subjectID), \(flag.templateID), \(flag.code.rawValue),
                \(FaceFlag.encode(flag.duplicates)), \(time.storeMilliseconds))
            """)
    }

    func deleteFaceFlags(subjectID: Int64, templateIDs: [Int64]?) async throws {
        if let templateIDs {
            try await run(
                "deleting face flags",
                """
                DELETE FROM face_flag WHERE subject_id = \(subjectID) AND template_id = ANY(\(templateIDs)::bigint[])
                """)
        } else {
            try await run("deleting face flags", "DELETE FROM face_flag WHERE subject_id = \(subjectID)")
        }
    }

    func resolveFaceFlags(tenantID: Int64, templateID: Int64, resolution: FaceFlag.Resolution, at time: Date)
        async throws -> Int
    {
        try await run(
            "resolving face flags",
            """
            UPDATE face_flag SET reviewed_at = \(time.storeMilliseconds), resolution = \(resolution.rawValue)
            WHERE tenant_id = \(tenantID) AND template_id = \(templateID) AND reviewed_at IS NULL
            RETURNING id
            """
        ).count
    }

    func deleteConsents(subjectID: Int64) async throws -> Int {
        try await run("deleting consents", "DELETE FROM consent WHERE subject_id = \(subjectID) RETURNING id").count
    }

    func insertConsent(_ consent: NewConsent, subjectID: Int64, at time: Date) async throws -> Consent {
        try PostgresStore.consent(
            try await first(
                "recording a consent",
                """
                INSERT INTO consent (subject_id, purpose, text_version, text_hash, granted_at, evidence)
                VALUES (\(subjectID), \(consent.purpose), \(consent.textVersion), \(consent.textHash),
                    \(time.storeMilliseconds), \(consent.evidence))
                RETURNING *
                """))
    }

    func revokeConsents(subjectID: Int64, purpose: String?, at time: Date) async throws -> Int {
        try await run(
            "revoking consents",
            """
            UPDATE consent SET revoked_at = \(time.storeMilliseconds)
            WHERE subject_id = \(subjectID) AND (\(purpose)::text IS NULL OR purpose = \(purpose))
                AND revoked_at IS NULL
            RETURNING id
            """
        ).count
    }

    func insertAPIKey(_ key: NewAPIKey, at time: Date) async throws -> APIKey {
        try await run(
            "storing an API key",
            """
            INSERT INTO api_key (id, tenant_id, secret_hash, label, created_at)
            VALUES (\(key.id), \(key.tenantID), \(key.secretHash), \(key.label), \(time.storeMilliseconds))
            """)
        return try PostgresStore.apiKey(
            try await first(
                "reading API key \(key.id)", "\(unescaped: PostgresStore.apiKeySelect) WHERE api_key.id = \(key.id)"))
    }

    func revokeAPIKey(id: String, at time: Date) async throws -> Bool {
        try await run(
            "revoking API key \(id)",
            """
            UPDATE api_key SET revoked_at = \(time.storeMilliseconds)
            WHERE id = \(id) AND revoked_at IS NULL RETURNING id
            """
        ).count == 1
    }

    func apiKeyHashes() async throws -> [(id: String, secretHash: Data)] {
        try await run("reading the API keys' hashes", "SELECT id, secret_hash FROM api_key ORDER BY id").map {
            (id: try $0.value("id", as: String.self), secretHash: try $0.value("secret_hash", as: Data.self))
        }
    }

    func updateAPIKeyHash(id: String, secretHash: Data) async throws {
        try await run(
            "updating API key \(id)", "UPDATE api_key SET secret_hash = \(secretHash) WHERE id = \(id)")
    }

    /// The end of the chain. The transaction holds the audit advisory lock, so no other process
    /// can append between this read and the insert; under READ COMMITTED each statement takes a
    /// fresh snapshot, so it sees every append committed before the lock was granted.
    func lastAuditLink() async throws -> AuditLink? {
        guard
            let row = try await run(
                "reading the end of the audit trail",
                "SELECT sequence, hash FROM audit_event ORDER BY sequence DESC LIMIT 1"
            ).first
        else { return nil }
        return AuditLink(sequence: try row.value("sequence"), hash: try row.value("hash"))
    }

    func insertAuditEvent(_ event: AuditEvent) async throws {
        try await run(
            "appending to the audit trail",
            """
            INSERT INTO audit_event
            (sequence, time_ms, tenant, actor, action, subject, details, previous_hash, hash)
            VALUES (\(event.sequence), \(event.timeMilliseconds), \(event.tenant), \(event.actor), \(event.action),
                \(event.subject), \(event.details), \(event.previousHash), \(event.hash))
            """)
    }
}
