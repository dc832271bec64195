import Foundation
import GRDB

extension SQLiteStore {
    public func insertAPIKey(_ key: NewAPIKey, audit: AuditDraft, signer: AuditSigner) async throws -> APIKey {
        try await write { db in
            try db.execute(
                sql: "INSERT INTO api_key (id, tenant_id, secret_hash, label, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [key.id, key.tenantID, key.secretHash, key.label, SQLiteStore.nowMilliseconds])
            _ = try SQLiteStore.append(audit, signer: signer, in: db)
            return try SQLiteStore.apiKey(
                Row.fetchOne(db, sql: SQLiteStore.apiKeySelect + " WHERE api_key.id = ?", arguments: [key.id])!)
        }
    }

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

    public func revokeAPIKey(id: String, audit: AuditDraft, signer: AuditSigner) async throws -> Bool {
        try await write { db in
            try db.execute(
                sql: "UPDATE api_key SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                arguments: [SQLiteStore.nowMilliseconds, id])
            guard db.changesCount == 1 else { return false }
            _ = try SQLiteStore.append(audit, signer: signer, in: db)
            return true
        }
    }

    static let apiKeySelect = """
        SELECT api_key.*, tenant.name AS tenant_name FROM api_key JOIN tenant ON tenant.id = api_key.tenant_id
        """

    static func apiKey(_ row: Row) -> APIKey {
        APIKey(
            id: row["id"], tenantID: row["tenant_id"], tenantName: row["tenant_name"], label: row["label"],
            createdAt: date(row["created_at"]), revokedAt: (row["revoked_at"] as Int64?).map(date))
    }
}
