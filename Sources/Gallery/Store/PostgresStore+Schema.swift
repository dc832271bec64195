import PostgresNIO

extension PostgresStore {
    /// The schema's history, the same as SQLite's. A shipped migration is never edited: changes
    /// come as new ones. Each is a list of statements, because PostgresNIO sends every query as
    /// a prepared statement, which holds one command only.
    static let migrations: [(version: String, statements: [PostgresQuery])] = [
        (
            "v1",
            [
                """
                CREATE TABLE tenant (
                    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    wrapped_key BYTEA NOT NULL,
                    key_version INTEGER NOT NULL DEFAULT 1,
                    created_at BIGINT NOT NULL
                )
                """,
                """
                CREATE TABLE secret (
                    name TEXT PRIMARY KEY,
                    wrapped BYTEA NOT NULL
                )
                """,
                """
                CREATE TABLE subject (
                    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    tenant_id BIGINT NOT NULL REFERENCES tenant(id),
                    external_id TEXT NOT NULL,
                    metadata TEXT,
                    created_at BIGINT NOT NULL,
                    erased_at BIGINT,
                    UNIQUE (tenant_id, external_id)
                )
                """,
                """
                CREATE TABLE template (
                    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    subject_id BIGINT NOT NULL REFERENCES subject(id),
                    pack TEXT NOT NULL,
                    sealed BYTEA NOT NULL,
                    quality DOUBLE PRECISION,
                    created_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX template_by_subject ON template(subject_id)",
                """
                CREATE TABLE consent (
                    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    subject_id BIGINT NOT NULL REFERENCES subject(id),
                    purpose TEXT NOT NULL,
                    text_version TEXT NOT NULL,
                    text_hash TEXT NOT NULL,
                    granted_at BIGINT NOT NULL,
                    revoked_at BIGINT,
                    evidence TEXT
                )
                """,
                "CREATE INDEX consent_by_subject ON consent(subject_id)",
                """
                CREATE TABLE audit_event (
                    sequence BIGINT PRIMARY KEY,
                    time_ms BIGINT NOT NULL,
                    tenant TEXT,
                    actor TEXT NOT NULL,
                    action TEXT NOT NULL,
                    subject TEXT,
                    details TEXT NOT NULL,
                    previous_hash BYTEA NOT NULL,
                    hash BYTEA NOT NULL
                )
                """,
                "CREATE INDEX audit_event_by_tenant ON audit_event(tenant, sequence)",
            ]
        ),
        (
            "v2",
            [
                """
                CREATE TABLE api_key (
                    id TEXT PRIMARY KEY,
                    tenant_id BIGINT NOT NULL REFERENCES tenant(id),
                    secret_hash BYTEA NOT NULL UNIQUE,
                    label TEXT,
                    created_at BIGINT NOT NULL,
                    revoked_at BIGINT
                )
                """,
                "CREATE INDEX api_key_by_tenant ON api_key(tenant_id)",
            ]
        ),
        (
            "v3",
            [
                """
                CREATE TABLE change_log (
                    sequence BIGINT PRIMARY KEY,
                    time_ms BIGINT NOT NULL,
                    tenant_id BIGINT,
                    kind TEXT NOT NULL,
                    subject_id BIGINT,
                    template_id BIGINT,
                    key_version INTEGER
                )
                """,
                "ALTER TABLE template ADD COLUMN key_version INTEGER",
                "ALTER TABLE subject ADD COLUMN purged_at BIGINT",
                "CREATE INDEX subject_awaiting_purge ON subject(erased_at) WHERE purged_at IS NULL",
                """
                CREATE TABLE liveness_session (
                    id TEXT PRIMARY KEY,
                    tenant TEXT NOT NULL,
                    challenge TEXT NOT NULL,
                    subject TEXT,
                    capture_token_hash BYTEA NOT NULL,
                    created_at BIGINT NOT NULL,
                    expires_at BIGINT NOT NULL,
                    state TEXT NOT NULL,
                    outcome TEXT,
                    updated_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX liveness_session_by_tenant ON liveness_session(tenant, state)",
                "CREATE INDEX liveness_session_by_expiry ON liveness_session(expires_at)",
            ]
        ),
        (
            "v4",
            [
                "ALTER TABLE subject ADD COLUMN consent_required BOOLEAN NOT NULL DEFAULT true",
                """
                CREATE INDEX subject_live_by_external_id ON subject(tenant_id, external_id COLLATE "C")
                    WHERE erased_at IS NULL
                """,
                """
                CREATE TABLE face_flag (
                    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    tenant_id BIGINT NOT NULL,
                    subject_id BIGINT NOT NULL,
                    template_id BIGINT NOT NULL,
                    code TEXT NOT NULL,
                    duplicates TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    reviewed_at BIGINT,
                    resolution TEXT,
                    UNIQUE (template_id, code)
                )
                """,
                "CREATE INDEX face_flag_by_subject ON face_flag(subject_id)",
                "CREATE INDEX face_flag_open ON face_flag(tenant_id, template_id) WHERE reviewed_at IS NULL",
                """
                CREATE TABLE face_erasure (
                    template_id BIGINT PRIMARY KEY,
                    subject_id BIGINT NOT NULL,
                    erased_at BIGINT NOT NULL,
                    purged_at BIGINT
                )
                """,
                "CREATE INDEX face_erasure_awaiting_purge ON face_erasure(erased_at) WHERE purged_at IS NULL",
                "CREATE INDEX audit_event_by_subject ON audit_event(tenant, subject, sequence)",
                "CREATE INDEX audit_event_by_action ON audit_event(tenant, action, sequence)",
            ]
        ),
        (
            "v5",
            [
                // As SQLite's v5: the data is in key format 1 until a gallery with the master
                // key upgrades it (`Gallery.upgradeKeyFormat`).
                """
                INSERT INTO secret (name, wrapped) VALUES ('key_format', decode('01', 'hex'))
                ON CONFLICT (name) DO NOTHING
                """
            ]
        ),
    ]

    /// Work a migration does in Swift after its statements, by version (the same as SQLite's).
    static let migrationSteps: [String: @Sendable (PostgresConnection) async throws -> Void] = [
        "v4": { connection in
            // Metadata was free text before v4; it is a JSON object from now on.
            let rows = try await connection.rows("SELECT id, metadata FROM subject WHERE metadata IS NOT NULL")
            for row in rows {
                let id = try row.value("id", as: Int64.self)
                let legacy = try row.value("metadata", as: String.self)
                let migrated = SubjectMetadata.migrated(legacy)
                if migrated != legacy {
                    try await connection.rows("UPDATE subject SET metadata = \(migrated) WHERE id = \(id)")
                }
            }
        }
    ]

    /// The advisory lock key that serialises migrations ("LikeMigr").
    static let migrationLockKey: Int64 = 5_506_050_102_271_764_338

    /// Applies the missing migrations in one transaction, on a connection of its own. The
    /// advisory lock comes first, so a second process starting at the same time waits, then
    /// finds the schema current.
    static func migrate(_ configuration: PostgresConnection.Configuration, location: PostgresLocation) async throws {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: queryLogger)
        } catch {
            throw storeError("connecting", error, location: location)
        }
        do {
            try await transaction(on: connection) { connection in
                try await connection.rows("SELECT pg_advisory_xact_lock(\(PostgresStore.migrationLockKey))")
                try await connection.rows("CREATE TABLE IF NOT EXISTS schema_migration (version TEXT PRIMARY KEY)")
                let applied = Set(
                    try await connection.rows("SELECT version FROM schema_migration").map {
                        try $0.value("version", as: String.self)
                    })
                let known = migrations.map(\.version)
                if let unknown = applied.subtracting(known).sorted().last {
                    throw GalleryError(.storeFailure, SchemaVersion.newerMessage(found: unknown, known: known))
                }
                for migration in migrations where !applied.contains(migration.version) {
                    for statement in migration.statements { try await connection.rows(statement) }
                    try await migrationSteps[migration.version]?(connection)
                    try await connection.rows("INSERT INTO schema_migration (version) VALUES (\(migration.version))")
                }
            }
        } catch {
            try? await connection.close()
            throw storeError("bringing the schema up to date", error, location: location)
        }
        try? await connection.close()
    }
}
