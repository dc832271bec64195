import Foundation
import GRDB

/// The default store: one SQLite file in WAL mode (one writer, concurrent readers).
///
/// Commits are synchronous (`synchronous=FULL`): an acknowledged write survives a crash of the
/// process or of the machine. `secure_delete` overwrites deleted rows, so erased templates do
/// not linger in free pages.
public final class SQLiteStore: GalleryStore {
    let pool: DatabasePool
    public let path: String

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        configuration.busyMode = .timeout(10)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try SQLiteStore.migrator.migrate(pool)
        } catch {
            throw GalleryError(.storeFailure, "cannot open the database \(path): \(error)")
        }
        self.path = path
    }

    func write<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        do {
            return try await pool.write(body)
        } catch let error as GalleryError {
            throw error
        } catch {
            throw GalleryError(.storeFailure, "database write failed: \(error)")
        }
    }

    func read<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch let error as GalleryError {
            throw error
        } catch {
            throw GalleryError(.storeFailure, "database read failed: \(error)")
        }
    }

    static var nowMilliseconds: Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
    static func date(_ milliseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }
}

// MARK: - Keys and tenants

extension SQLiteStore {
    public func secret(named name: String) async throws -> Data? {
        try await read { db in
            try Data.fetchOne(db, sql: "SELECT wrapped FROM secret WHERE name = ?", arguments: [name])
        }
    }

    public func insertSecretIfAbsent(named name: String, wrapped: Data) async throws -> Data {
        try await write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO secret (name, wrapped) VALUES (?, ?)", arguments: [name, wrapped])
            return try Data.fetchOne(db, sql: "SELECT wrapped FROM secret WHERE name = ?", arguments: [name])!
        }
    }

    public func rewrapKeys(
        tenants: [Int64: Data], secrets: [String: Data], audit: AuditDraft, signer: AuditSigner
    ) async throws {
        try await write { db in
            for (id, wrapped) in tenants {
                try db.execute(sql: "UPDATE tenant SET wrapped_key = ? WHERE id = ?", arguments: [wrapped, id])
            }
            for (name, wrapped) in secrets {
                try db.execute(sql: "UPDATE secret SET wrapped = ? WHERE name = ?", arguments: [wrapped, name])
            }
            _ = try SQLiteStore.append(audit, signer: signer, in: db)
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

    public func insertTenant(named name: String, wrappedKey: Data) async throws -> Tenant {
        try await write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO tenant (name, wrapped_key, created_at) VALUES (?, ?, ?)",
                arguments: [name, wrappedKey, SQLiteStore.nowMilliseconds])
            return try SQLiteStore.tenant(
                Row.fetchOne(db, sql: "SELECT * FROM tenant WHERE name = ?", arguments: [name])!)
        }
    }

    public func rekeyTenant(
        _ tenantID: Int64, wrappedKey: Data, templates: [Int64: Data], audit: AuditDraft, signer: AuditSigner
    ) async throws {
        try await write { db in
            try db.execute(
                sql: "UPDATE tenant SET wrapped_key = ?, key_version = key_version + 1 WHERE id = ?",
                arguments: [wrappedKey, tenantID])
            for (id, sealed) in templates {
                try db.execute(sql: "UPDATE template SET sealed = ? WHERE id = ?", arguments: [sealed, id])
            }
            _ = try SQLiteStore.append(audit, signer: signer, in: db)
        }
    }

    static func tenant(_ row: Row) -> Tenant {
        Tenant(
            id: row["id"], name: row["name"], wrappedKey: row["wrapped_key"], keyVersion: row["key_version"],
            createdAt: date(row["created_at"]))
    }
}

// MARK: - Subjects and templates

extension SQLiteStore {
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

    public func ensureSubject(tenantID: Int64, externalID: String, metadata: String?) async throws -> Subject {
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO subject (tenant_id, external_id, metadata, created_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (tenant_id, external_id) DO UPDATE SET
                        erased_at = NULL, metadata = coalesce(excluded.metadata, subject.metadata)
                    """,
                arguments: [tenantID, externalID, metadata, SQLiteStore.nowMilliseconds])
            return try SQLiteStore.subject(
                Row.fetchOne(
                    db, sql: "SELECT * FROM subject WHERE tenant_id = ? AND external_id = ?",
                    arguments: [tenantID, externalID])!)
        }
    }

    public func addTemplates(
        _ templates: [NewTemplate], subjectID: Int64, audit: AuditDraft, signer: AuditSigner
    ) async throws -> [Template] {
        try await write { db in
            let now = SQLiteStore.nowMilliseconds
            var stored: [Template] = []
            for template in templates {
                try db.execute(
                    sql: "INSERT INTO template (subject_id, pack, sealed, quality, created_at) VALUES (?, ?, ?, ?, ?)",
                    arguments: [subjectID, template.pack, template.sealed, template.quality, now])
                stored.append(
                    Template(
                        id: db.lastInsertedRowID, subjectID: subjectID, pack: template.pack, sealed: template.sealed,
                        quality: template.quality, createdAt: SQLiteStore.date(now)))
            }
            var audit = audit
            audit.details["templates"] = .strings(stored.map { String($0.id) })
            _ = try SQLiteStore.append(audit, signer: signer, in: db)
            return stored
        }
    }

    public func templates(subjectID: Int64) async throws -> [Template] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM template WHERE subject_id = ? ORDER BY id", arguments: [subjectID])
                .map(SQLiteStore.template)
        }
    }

    public func templates(tenantID: Int64, pack: String) async throws -> [Template] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT template.* FROM template JOIN subject ON subject.id = template.subject_id
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

    static func subject(_ row: Row) -> Subject {
        Subject(
            id: row["id"], tenantID: row["tenant_id"], externalID: row["external_id"], metadata: row["metadata"],
            createdAt: date(row["created_at"]), erasedAt: (row["erased_at"] as Int64?).map(date))
    }

    static func template(_ row: Row) -> Template {
        Template(
            id: row["id"], subjectID: row["subject_id"], pack: row["pack"], sealed: row["sealed"],
            quality: row["quality"], createdAt: date(row["created_at"]))
    }
}

// MARK: - Erasure

extension SQLiteStore {
    public func eraseSubject(_ subjectID: Int64, audit: AuditDraft, signer: AuditSigner) async throws -> [Int64] {
        try await write { db in
            let ids = try Int64.fetchAll(
                db, sql: "SELECT id FROM template WHERE subject_id = ?", arguments: [subjectID])
            try db.execute(sql: "DELETE FROM template WHERE subject_id = ?", arguments: [subjectID])
            let now = SQLiteStore.nowMilliseconds
            try db.execute(
                sql: "UPDATE consent SET revoked_at = ? WHERE subject_id = ? AND revoked_at IS NULL",
                arguments: [now, subjectID])
            try db.execute(
                sql: "UPDATE subject SET erased_at = ?, metadata = NULL WHERE id = ?", arguments: [now, subjectID])
            var audit = audit
            audit.details["templates_deleted"] = .int(ids.count)
            _ = try SQLiteStore.append(audit, signer: signer, in: db)
            return ids
        }
    }

    public func compact() async throws {
        do {
            try await pool.barrierWriteWithoutTransaction { db in
                try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
                try db.execute(sql: "VACUUM")
                try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            }
        } catch {
            throw GalleryError(.storeFailure, "compacting the database failed: \(error)")
        }
    }
}

// MARK: - Consents

extension SQLiteStore {
    public func grantConsent(
        _ consent: NewConsent, subjectID: Int64, audit: AuditDraft, signer: AuditSigner
    ) async throws -> Consent {
        try await write { db in
            let now = SQLiteStore.nowMilliseconds
            try db.execute(
                sql: """
                    INSERT INTO consent (subject_id, purpose, text_version, text_hash, granted_at, evidence)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    subjectID, consent.purpose, consent.textVersion, consent.textHash, now, consent.evidence,
                ])
            let id = db.lastInsertedRowID
            _ = try SQLiteStore.append(audit, signer: signer, in: db)
            return Consent(
                id: id, subjectID: subjectID, purpose: consent.purpose, textVersion: consent.textVersion,
                textHash: consent.textHash, grantedAt: SQLiteStore.date(now), revokedAt: nil,
                evidence: consent.evidence)
        }
    }

    public func revokeConsent(
        purpose: String, subjectID: Int64, audit: AuditDraft, signer: AuditSigner
    ) async throws -> Int {
        try await write { db in
            try db.execute(
                sql: "UPDATE consent SET revoked_at = ? WHERE subject_id = ? AND purpose = ? AND revoked_at IS NULL",
                arguments: [SQLiteStore.nowMilliseconds, subjectID, purpose])
            let count = db.changesCount
            var audit = audit
            audit.details["revoked"] = .int(count)
            _ = try SQLiteStore.append(audit, signer: signer, in: db)
            return count
        }
    }

    public func consents(subjectID: Int64) async throws -> [Consent] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM consent WHERE subject_id = ? ORDER BY id", arguments: [subjectID])
                .map { row in
                    Consent(
                        id: row["id"], subjectID: row["subject_id"], purpose: row["purpose"],
                        textVersion: row["text_version"], textHash: row["text_hash"],
                        grantedAt: SQLiteStore.date(row["granted_at"]),
                        revokedAt: (row["revoked_at"] as Int64?).map(SQLiteStore.date), evidence: row["evidence"])
                }
        }
    }
}

// MARK: - Audit

extension SQLiteStore {
    public func appendAudit(_ draft: AuditDraft, signer: AuditSigner) async throws -> AuditEvent {
        try await write { db in try SQLiteStore.append(draft, signer: signer, in: db) }
    }

    public func auditEvents(tenant: String?, afterSequence: Int64, limit: Int) async throws -> [AuditEvent] {
        try await read { db in
            let rows: [Row]
            if let tenant {
                rows = try Row.fetchAll(
                    db, sql: "SELECT * FROM audit_event WHERE tenant = ? AND sequence > ? ORDER BY sequence LIMIT ?",
                    arguments: [tenant, afterSequence, limit])
            } else {
                rows = try Row.fetchAll(
                    db, sql: "SELECT * FROM audit_event WHERE sequence > ? ORDER BY sequence LIMIT ?",
                    arguments: [afterSequence, limit])
            }
            return rows.map { row in
                AuditEvent(
                    sequence: row["sequence"], timeMilliseconds: row["time_ms"], tenant: row["tenant"],
                    actor: row["actor"], action: row["action"], subject: row["subject"], details: row["details"],
                    previousHash: row["previous_hash"], hash: row["hash"])
            }
        }
    }

    /// Appends inside the caller's transaction, linking to the last event.
    static func append(_ draft: AuditDraft, signer: AuditSigner, in db: Database) throws -> AuditEvent {
        let last = try Row.fetchOne(db, sql: "SELECT sequence, hash FROM audit_event ORDER BY sequence DESC LIMIT 1")
        let sequence: Int64 = (last?["sequence"] ?? 0) + 1
        let event = signer.link(
            draft, sequence: sequence, timeMilliseconds: nowMilliseconds, previousHash: last?["hash"])
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
        return event
    }
}
