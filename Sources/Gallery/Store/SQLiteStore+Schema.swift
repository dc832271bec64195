import GRDB

extension SQLiteStore {
    /// The schema's history. A shipped migration is never edited: changes come as new ones.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE tenant (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        name TEXT NOT NULL UNIQUE,
                        wrapped_key BLOB NOT NULL,
                        key_version INTEGER NOT NULL DEFAULT 1,
                        created_at INTEGER NOT NULL
                    );
                    CREATE TABLE secret (
                        name TEXT PRIMARY KEY,
                        wrapped BLOB NOT NULL
                    );
                    CREATE TABLE subject (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        tenant_id INTEGER NOT NULL REFERENCES tenant(id),
                        external_id TEXT NOT NULL,
                        metadata TEXT,
                        created_at INTEGER NOT NULL,
                        erased_at INTEGER,
                        UNIQUE (tenant_id, external_id)
                    );
                    CREATE TABLE template (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        subject_id INTEGER NOT NULL REFERENCES subject(id),
                        pack TEXT NOT NULL,
                        sealed BLOB NOT NULL,
                        quality REAL,
                        created_at INTEGER NOT NULL
                    );
                    CREATE INDEX template_by_subject ON template(subject_id);
                    CREATE TABLE consent (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        subject_id INTEGER NOT NULL REFERENCES subject(id),
                        purpose TEXT NOT NULL,
                        text_version TEXT NOT NULL,
                        text_hash TEXT NOT NULL,
                        granted_at INTEGER NOT NULL,
                        revoked_at INTEGER,
                        evidence TEXT
                    );
                    CREATE INDEX consent_by_subject ON consent(subject_id);
                    CREATE TABLE audit_event (
                        sequence INTEGER PRIMARY KEY,
                        time_ms INTEGER NOT NULL,
                        tenant TEXT,
                        actor TEXT NOT NULL,
                        action TEXT NOT NULL,
                        subject TEXT,
                        details TEXT NOT NULL,
                        previous_hash BLOB NOT NULL,
                        hash BLOB NOT NULL
                    );
                    CREATE INDEX audit_event_by_tenant ON audit_event(tenant, sequence);
                    """)
        }
        migrator.registerMigration("v2") { db in
            try db.execute(
                sql: """
                    CREATE TABLE api_key (
                        id TEXT PRIMARY KEY,
                        tenant_id INTEGER NOT NULL REFERENCES tenant(id),
                        secret_hash BLOB NOT NULL UNIQUE,
                        label TEXT,
                        created_at INTEGER NOT NULL,
                        revoked_at INTEGER
                    );
                    CREATE INDEX api_key_by_tenant ON api_key(tenant_id);
                    """)
        }
        migrator.registerMigration("v3") { db in
            try db.execute(
                sql: """
                    CREATE TABLE change_log (
                        sequence INTEGER PRIMARY KEY,
                        time_ms INTEGER NOT NULL,
                        tenant_id INTEGER,
                        kind TEXT NOT NULL,
                        subject_id INTEGER,
                        template_id INTEGER,
                        key_version INTEGER
                    );
                    ALTER TABLE template ADD COLUMN key_version INTEGER;
                    ALTER TABLE subject ADD COLUMN purged_at INTEGER;
                    CREATE INDEX subject_awaiting_purge ON subject(erased_at) WHERE purged_at IS NULL;
                    CREATE TABLE liveness_session (
                        id TEXT PRIMARY KEY,
                        tenant TEXT NOT NULL,
                        challenge TEXT NOT NULL,
                        subject TEXT,
                        capture_token_hash BLOB NOT NULL,
                        created_at INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL,
                        state TEXT NOT NULL,
                        outcome TEXT,
                        updated_at INTEGER NOT NULL
                    );
                    CREATE INDEX liveness_session_by_tenant ON liveness_session(tenant, state);
                    CREATE INDEX liveness_session_by_expiry ON liveness_session(expires_at);
                    """)
        }
        migrator.registerMigration("v4") { db in
            try db.execute(
                sql: """
                    ALTER TABLE subject ADD COLUMN consent_required INTEGER NOT NULL DEFAULT 1;
                    CREATE INDEX subject_live_by_external_id ON subject(tenant_id, external_id)
                        WHERE erased_at IS NULL;
                    CREATE TABLE face_flag (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        tenant_id INTEGER NOT NULL,
                        subject_id INTEGER NOT NULL,
                        template_id INTEGER NOT NULL,
                        code TEXT NOT NULL,
                        duplicates TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        reviewed_at INTEGER,
                        resolution TEXT,
                        UNIQUE (template_id, code)
                    );
                    CREATE INDEX face_flag_by_subject ON face_flag(subject_id);
                    CREATE INDEX face_flag_open ON face_flag(tenant_id, template_id) WHERE reviewed_at IS NULL;
                    CREATE TABLE face_erasure (
                        template_id INTEGER PRIMARY KEY,
                        subject_id INTEGER NOT NULL,
                        erased_at INTEGER NOT NULL,
                        purged_at INTEGER
                    );
                    CREATE INDEX face_erasure_awaiting_purge ON face_erasure(erased_at) WHERE purged_at IS NULL;
                    CREATE INDEX audit_event_by_subject ON audit_event(tenant, subject, sequence);
                    CREATE INDEX audit_event_by_action ON audit_event(tenant, action, sequence);
                    """)
            // Metadata was free text before v4; it is a JSON object from now on.
            let rows = try Row.fetchAll(db, sql: "SELECT id, metadata FROM subject WHERE metadata IS NOT NULL")
            for row in rows {
                let legacy: String = row["metadata"]
                let migrated = SubjectMetadata.migrated(legacy)
                if migrated != legacy {
                    try db.execute(
                        sql: "UPDATE subject SET metadata = ? WHERE id = ?", arguments: [migrated, row["id"] as Int64])
                }
            }
        }
        migrator.registerMigration("v5") { db in
            // Key format 2 (templates bound to their subject's external id, API key hashes
            // under a MAC key, wrap contexts per purpose) needs the master key, which
            // migrations do not hold: this records that the data is still in format 1, and
            // the gallery upgrades it when it opens with the key (`Gallery.upgradeKeyFormat`).
            // The new version also makes an older Likeness refuse the database.
            try db.execute(sql: "INSERT OR IGNORE INTO secret (name, wrapped) VALUES ('key_format', X'01')")
        }
        return migrator
    }
}

extension SQLiteStore {
    /// Refuses a database that a newer version has migrated: this version would misread or
    /// damage tables it does not know.
    ///
    /// GRDB itself applies the migrations it is missing and ignores identifiers it does not
    /// know, so the check is made here, before migrating.
    static func refuseNewerSchema(_ db: Database) throws {
        guard try db.tableExists("grdb_migrations") else { return }
        let applied = Set(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"))
        let known = migrator.migrations
        if let unknown = applied.subtracting(known).sorted().last {
            throw GalleryError(.storeFailure, SchemaVersion.newerMessage(found: unknown, known: known))
        }
    }
}
