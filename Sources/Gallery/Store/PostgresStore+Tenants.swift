import Foundation
import PostgresNIO

extension PostgresStore {
    public func secret(named name: String) async throws -> Data? {
        try await rows("reading secret \(name)", "SELECT wrapped FROM secret WHERE name = \(name)")
            .first.map { try $0.value("wrapped", as: Data.self) }
    }

    public func insertSecretIfAbsent(named name: String, wrapped: Data) async throws -> Data {
        try await transaction("storing secret \(name)", auditLock: false) { connection in
            // DO NOTHING waits for a concurrent insert of the same name to finish, so the
            // select below always finds the row that won.
            try await connection.rows(
                "INSERT INTO secret (name, wrapped) VALUES (\(name), \(wrapped)) ON CONFLICT (name) DO NOTHING")
            guard let row = try await connection.rows("SELECT wrapped FROM secret WHERE name = \(name)").first else {
                throw GalleryError(.storeFailure, "secret \(name) vanished after it was stored")
            }
            return try row.value("wrapped", as: Data.self)
        }
    }

    public func rewrapKeys(
        tenants: [Int64: Data], secrets: [String: Data], audit: AuditDraft, signer: AuditSigner
    ) async throws {
        try await transaction("re-wrapping the keys") { connection in
            for (id, wrapped) in tenants {
                try await connection.rows("UPDATE tenant SET wrapped_key = \(wrapped) WHERE id = \(id)")
            }
            for (name, wrapped) in secrets {
                try await connection.rows("UPDATE secret SET wrapped = \(wrapped) WHERE name = \(name)")
            }
            _ = try await PostgresStore.append(audit, signer: signer, on: connection)
        }
    }

    public func tenant(named name: String) async throws -> Tenant? {
        try await rows("reading tenant \(name)", "SELECT * FROM tenant WHERE name = \(name)")
            .first.map(PostgresStore.tenant)
    }

    public func tenants() async throws -> [Tenant] {
        try await rows("listing tenants", "SELECT * FROM tenant ORDER BY id").map(PostgresStore.tenant)
    }

    public func insertTenant(named name: String, wrappedKey: Data) async throws -> Tenant {
        try await transaction("creating tenant \(name)", auditLock: false) { connection in
            try await connection.rows(
                """
                INSERT INTO tenant (name, wrapped_key, created_at)
                VALUES (\(name), \(wrappedKey), \(PostgresStore.nowMilliseconds))
                ON CONFLICT (name) DO NOTHING
                """)
            guard let row = try await connection.rows("SELECT * FROM tenant WHERE name = \(name)").first else {
                throw GalleryError(.storeFailure, "tenant \(name) vanished after it was created")
            }
            return try PostgresStore.tenant(row)
        }
    }

    public func rekeyTenant(
        _ tenantID: Int64, wrappedKey: Data, templates: [Int64: Data], audit: AuditDraft, signer: AuditSigner
    ) async throws {
        try await transaction("re-keying tenant \(tenantID)") { connection in
            try await connection.rows(
                """
                UPDATE tenant SET wrapped_key = \(wrappedKey), key_version = key_version + 1 WHERE id = \(tenantID)
                """)
            // One statement for all templates rather than a round trip each.
            let ids = Array(templates.keys)
            let sealed = ids.map { ByteBuffer(bytes: templates[$0]!) }
            if !ids.isEmpty {
                try await connection.rows(
                    """
                    UPDATE template SET sealed = new.sealed
                    FROM unnest(\(ids)::bigint[], \(sealed)::bytea[]) AS new(id, sealed)
                    WHERE template.id = new.id
                    """)
            }
            _ = try await PostgresStore.append(audit, signer: signer, on: connection)
        }
    }

    static func tenant(_ row: PostgresRandomAccessRow) throws -> Tenant {
        Tenant(
            id: try row.value("id"), name: try row.value("name"), wrappedKey: try row.value("wrapped_key"),
            keyVersion: try row.value("key_version"), createdAt: date(try row.value("created_at")))
    }
}
