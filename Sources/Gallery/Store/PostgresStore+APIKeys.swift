import Foundation
import PostgresNIO

extension PostgresStore {
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
}
