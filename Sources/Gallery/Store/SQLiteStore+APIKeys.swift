import Foundation
import GRDB

extension SQLiteStore {
    public func apiKey(secretHash: Data) async throws -> APIKey? {
        try await read { db in
            try Row.fetchOne(
                db, sql: SQLiteStore.apiKeySelect + " WHERE api_key.secret_hash = ?", arguments: [secretHash]
            ).map(SQLiteStore.apiKey)
        }
    }

    public func apiKeys(tenantID: Int64?) async throws -> [APIKey] {
        try await read { db in
            if let tenantID {
                return try Row.fetchAll(
                    db, sql: SQLiteStore.apiKeySelect + " WHERE api_key.tenant_id = ? ORDER BY api_key.created_at",
                    arguments: [tenantID]
                ).map(SQLiteStore.apiKey)
            }
            return try Row.fetchAll(db, sql: SQLiteStore.apiKeySelect + " ORDER BY api_key.created_at")
                .map(SQLiteStore.apiKey)
        }
    }
}
