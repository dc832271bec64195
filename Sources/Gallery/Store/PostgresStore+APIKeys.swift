import Foundation
import PostgresNIO

extension PostgresStore {
    public func insertAPIKey(_ key: NewAPIKey, audit: AuditDraft, signer: AuditSigner) async throws -> APIKey {
        try await transaction("storing an API key") { connection in
            try await connection.rows(
                """
                INSERT INTO api_key (id, tenant_id, secret_hash, label, created_at)
                VALUES (\(key.id), \(key.tenantID), \(key.secretHash), \(key.label), \(PostgresStore.nowMilliseconds))
                """)
            _ = try await PostgresStore.append(audit, signer: signer, on: connection)
            let rows = try await connection.rows(
                "\(unescaped: PostgresStore.apiKeySelect) WHERE api_key.id = \(key.id)")
            guard let row = rows.first else { throw GalleryError(.storeFailure, "API key \(key.id) vanished") }
            return try PostgresStore.apiKey(row)
        }
    }

    public func apiKey(secretHash: Data) async throws -> APIKey? {
        try await rows(
            "looking up an API key",
            "\(unescaped: PostgresStore.apiKeySelect) WHERE api_key.secret_hash = \(secretHash)"
        ).first.map(PostgresStore.apiKey)
    }

    public func apiKeys(tenantID: Int64?) async throws -> [APIKey] {
        // The id breaks ties between keys created in the same millisecond.
        if let tenantID {
            return try await rows(
                "listing API keys",
                """
                \(unescaped: PostgresStore.apiKeySelect) WHERE api_key.tenant_id = \(tenantID)
                ORDER BY api_key.created_at, api_key.id
                """
            ).map(PostgresStore.apiKey)
        }
        return try await rows(
            "listing API keys", "\(unescaped: PostgresStore.apiKeySelect) ORDER BY api_key.created_at, api_key.id"
        ).map(PostgresStore.apiKey)
    }

    public func revokeAPIKey(id: String, audit: AuditDraft, signer: AuditSigner) async throws -> Bool {
        try await transaction("revoking API key \(id)") { connection in
            let changed = try await connection.rows(
                """
                UPDATE api_key SET revoked_at = \(PostgresStore.nowMilliseconds)
                WHERE id = \(id) AND revoked_at IS NULL RETURNING id
                """)
            guard changed.count == 1 else { return false }
            _ = try await PostgresStore.append(audit, signer: signer, on: connection)
            return true
        }
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
