import Foundation
import GRDB

/// The primitives of a SQLite transaction: each is one access to the writer connection, on
/// which `SQLiteStore.transaction` has begun the transaction.
struct SQLiteTransaction: StoreTransaction {
    let store: SQLiteStore

    func insertSecretIfAbsent(named name: String, wrapped: Data) async throws -> Data {
        try await store.access("storing secret \(name)") { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO secret (name, wrapped) VALUES (?, ?)", arguments: [name, wrapped])
            return try Data.fetchOne(db, sql: "SELECT wrapped FROM secret WHERE name = ?", arguments: [name])!
        }
    }

    func updateSecret(named name: String, wrapped: Data) async throws {
        try await store.access("replacing secret \(name)") { db in
            try db.execute(sql: "UPDATE secret SET wrapped = ? WHERE name = ?", arguments: [wrapped, name])
        }
    }

    func insertTenantIfAbsent(named name: String, wrappedKey: Data, at time: Date) async throws -> Tenant {
        try await store.access("creating tenant \(name)") { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO tenant (name, wrapped_key, created_at) VALUES (?, ?, ?)",
                arguments: [name, wrappedKey, time.storeMilliseconds])
            return try SQLiteStore.tenant(
                Row.fetchOne(db, sql: "SELECT * FROM tenant WHERE name = ?", arguments: [name])!)
        }
    }

    func updateTenantKey(_ tenantID: Int64, wrappedKey: Data, newVersion: Bool) async throws {
        try await store.access("replacing the key of tenant \(tenantID)") { db in
            try db.execute(
                sql: "UPDATE tenant SET wrapped_key = ?, key_version = key_version + ? WHERE id = ?",
                arguments: [wrappedKey, newVersion ? 1 : 0, tenantID])
        }
    }

    func storeSubject(
        tenantID: Int64, externalID: String, metadata: String?, consentRequired: Bool, at time: Date
    ) async throws -> StoredSubject {
        try await store.access("storing a subject") { db in
            let select = "SELECT * FROM subject WHERE tenant_id = ? AND external_id = ?"
            let outcome: SubjectUpsert
            if let row = try Row.fetchOne(db, sql: select, arguments: [tenantID, externalID]) {
                let id: Int64 = row["id"]
                if row["erased_at"] as Int64? != nil {
                    outcome = .revived
                    try db.execute(
                        sql: """
                            UPDATE subject SET erased_at = NULL, purged_at = NULL, created_at = ?, metadata = ?,
                                consent_required = ?
                            WHERE id = ?
                            """,
                        arguments: [time.storeMilliseconds, metadata, consentRequired, id])
                } else {
                    outcome = .existing
                    if let metadata {
                        try db.execute(sql: "UPDATE subject SET metadata = ? WHERE id = ?", arguments: [metadata, id])
                    }
                }
            } else {
                outcome = .created
                try db.execute(
                    sql: """
                        INSERT INTO subject (tenant_id, external_id, metadata, created_at, consent_required)
                        VALUES (?, ?, ?, ?, ?)
                        """,
                    arguments: [tenantID, externalID, metadata, time.storeMilliseconds, consentRequired])
            }
            let subject = SQLiteStore.subject(
                try Row.fetchOne(db, sql: select, arguments: [tenantID, externalID])!)
            return StoredSubject(subject: subject, outcome: outcome)
        }
    }

    func updateSubjectMetadata(_ subjectID: Int64, metadata: String?) async throws {
        try await store.access("updating the metadata of subject \(subjectID)") { db in
            try db.execute(sql: "UPDATE subject SET metadata = ? WHERE id = ?", arguments: [metadata, subjectID])
        }
    }

    func updateSubjectConsentRequired(_ subjectID: Int64, _ required: Bool) async throws {
        try await store.access("updating subject \(subjectID)") { db in
            try db.execute(
                sql: "UPDATE subject SET consent_required = ? WHERE id = ?", arguments: [required, subjectID])
        }
    }

    func updateSubject(_ subjectID: Int64, erasedAt: Date?, metadata: String?) async throws {
        try await store.access("updating subject \(subjectID)") { db in
            try db.execute(
                sql: "UPDATE subject SET erased_at = ?, purged_at = NULL, metadata = ? WHERE id = ?",
                arguments: [erasedAt?.storeMilliseconds, metadata, subjectID])
        }
    }

    func insertTemplate(_ template: NewTemplate, subjectID: Int64, at time: Date) async throws -> Template {
        try await store.access("storing a template") { db in
            let now = time.storeMilliseconds
            try db.execute(
                sql: """
                    INSERT INTO template (subject_id, pack, sealed, quality, created_at, key_version)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [subjectID, template.pack, template.sealed, template.quality, now, template.keyVersion])
            // With its subject's external id, as every read of a template has it.
            let externalID = try String.fetchOne(
                db, sql: "SELECT external_id FROM subject WHERE id = ?", arguments: [subjectID])
            return Template(
                id: db.lastInsertedRowID, subjectID: subjectID, pack: template.pack, sealed: template.sealed,
                quality: template.quality, createdAt: Date(storeMilliseconds: now), keyVersion: template.keyVersion,
                subjectExternalID: externalID)
        }
    }

    func updateTemplates(sealed: [Int64: Data], keyVersion: Int) async throws {
        try await store.access("replacing templates") { db in
            for (id, bytes) in sealed {
                try db.execute(
                    sql: "UPDATE template SET sealed = ?, key_version = ? WHERE id = ?",
                    arguments: [bytes, keyVersion, id])
            }
        }
    }

    func deleteTemplates(subjectID: Int64) async throws -> [Int64] {
        try await store.access("deleting templates") { db in
            let ids = try Int64.fetchAll(
                db, sql: "SELECT id FROM template WHERE subject_id = ? ORDER BY id", arguments: [subjectID])
            try db.execute(sql: "DELETE FROM template WHERE subject_id = ?", arguments: [subjectID])
            return ids
        }
    }

    func deleteTemplate(_ templateID: Int64, subjectID: Int64) async throws -> Bool {
        try await store.access("deleting a template") { db in
            try db.execute(
                sql: "DELETE FROM template WHERE id = ? AND subject_id = ?", arguments: [templateID, subjectID])
            return db.changesCount == 1
        }
    }

    func insertFaceErasure(templateID: Int64, subjectID: Int64, at time: Date) async throws {
        try await store.access("recording a face erasure") { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO face_erasure (template_id, subject_id, erased_at) VALUES (?, ?, ?)",
                arguments: [templateID, subjectID, time.storeMilliseconds])
        }
    }

    func insertFaceFlag(_ flag: NewFaceFlag, at time: Date) async throws {
        try await store.access("flagging a face") { db in
            try db.execute(
                sql: """
                    INSERT INTO face_flag (tenant_id, subject_id, template_id, code, duplicates, created_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    flag.tenantID, flag.subjectID, flag.templateID, flag.code.rawValue,
                    FaceFlag.encode(flag.duplicates), time.storeMilliseconds,
                ])
        }
    }

    func deleteFaceFlags(subjectID: Int64, templateIDs: [Int64]?) async throws {
        try await store.access("deleting face flags") { db in
            if let templateIDs {
                guard !templateIDs.isEmpty else { return }
                let placeholders = templateIDs.map { _ in "?" }.joined(separator: ", ")
                try db.execute(
                    sql: "DELETE FROM face_flag WHERE subject_id = ? AND template_id IN (\(placeholders))",
                    arguments: StatementArguments([subjectID] + templateIDs))
            } else {
                try db.execute(sql: "DELETE FROM face_flag WHERE subject_id = ?", arguments: [subjectID])
            }
        }
    }

    func resolveFaceFlags(tenantID: Int64, templateID: Int64, resolution: FaceFlag.Resolution, at time: Date)
        async throws -> Int
    {
        try await store.access("resolving face flags") { db in
            try db.execute(
                sql: """
                    UPDATE face_flag SET reviewed_at = ?, resolution = ?
                    WHERE tenant_id = ? AND template_id = ? AND reviewed_at IS NULL
                    """,
                arguments: [time.storeMilliseconds, resolution.rawValue, tenantID, templateID])
            return db.changesCount
        }
    }

    func deleteConsents(subjectID: Int64) async throws -> Int {
        try await store.access("deleting consents") { db in
            try db.execute(sql: "DELETE FROM consent WHERE subject_id = ?", arguments: [subjectID])
            return db.changesCount
        }
    }

    func insertConsent(_ consent: NewConsent, subjectID: Int64, at time: Date) async throws -> Consent {
        try await store.access("recording a consent") { db in
            let now = time.storeMilliseconds
            try db.execute(
                sql: """
                    INSERT INTO consent (subject_id, purpose, text_version, text_hash, granted_at, evidence)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    subjectID, consent.purpose, consent.textVersion, consent.textHash, now, consent.evidence,
                ])
            return Consent(
                id: db.lastInsertedRowID, subjectID: subjectID, purpose: consent.purpose,
                textVersion: consent.textVersion, textHash: consent.textHash, grantedAt: Date(storeMilliseconds: now),
                revokedAt: nil, evidence: consent.evidence)
        }
    }

    func revokeConsents(subjectID: Int64, purpose: String?, at time: Date) async throws -> Int {
        try await store.access("revoking consents") { db in
            try db.execute(
                sql: """
                    UPDATE consent SET revoked_at = ?
                    WHERE subject_id = ? AND (? IS NULL OR purpose = ?) AND revoked_at IS NULL
                    """,
                arguments: [time.storeMilliseconds, subjectID, purpose, purpose])
            return db.changesCount
        }
    }

    func insertAPIKey(_ key: NewAPIKey, at time: Date) async throws -> APIKey {
        try await store.access("storing an API key") { db in
            try db.execute(
                sql: "INSERT INTO api_key (id, tenant_id, secret_hash, label, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [key.id, key.tenantID, key.secretHash, key.label, time.storeMilliseconds])
            return try SQLiteStore.apiKey(
                Row.fetchOne(db, sql: SQLiteStore.apiKeySelect + " WHERE api_key.id = ?", arguments: [key.id])!)
        }
    }

    func revokeAPIKey(id: String, at time: Date) async throws -> Bool {
        try await store.access("revoking API key \(id)") { db in
            try db.execute(
                sql: "UPDATE api_key SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                arguments: [time.storeMilliseconds, id])
            return db.changesCount == 1
        }
    }

    func apiKeyHashes() async throws -> [(id: String, secretHash: Data)] {
        try await store.access("reading the API keys' hashes") { db in
            try Row.fetchAll(db, sql: "SELECT id, secret_hash FROM api_key ORDER BY id").map {
                (id: $0["id"] as String, secretHash: $0["secret_hash"] as Data)
            }
        }
    }

    func updateAPIKeyHash(id: String, secretHash: Data) async throws {
        try await store.access("updating API key \(id)") { db in
            try db.execute(sql: "UPDATE api_key SET secret_hash = ? WHERE id = ?", arguments: [secretHash, id])
        }
    }

    func lastAuditLink() async throws -> AuditLink? {
        try await store.access("reading the end of the audit trail") { db in
            try Row.fetchOne(db, sql: "SELECT sequence, hash FROM audit_event ORDER BY sequence DESC LIMIT 1")
                .map { AuditLink(sequence: $0["sequence"], hash: $0["hash"]) }
        }
    }

    func insertAuditEvent(_ event: AuditEvent) async throws {
        try await store.access("appending to the audit trail") { db in
            try db.execute(
                sql: """
                    INSERT INTO audit_event
                    (sequence, time_ms, tenant, actor, action, subject, details, previous_hash, hash)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    event.sequence, event.timeMilliseconds, event.tenant, event.actor, event.action, event.subject,
                    event.details, event.previousHash, event.hash,
                ])
        }
    }
}
