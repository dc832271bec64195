import Crypto
import Foundation
import Tokens

/// A newly created API key with its secret, which is never stored and cannot be shown again.
public struct IssuedAPIKey: Sendable {
    public var key: APIKey
    /// `lk_<id>_<secret>`: what the client sends as `Authorization: Bearer …`.
    public var secret: String
}

extension Gallery {
    /// The acting principal of the current task (an API key's id, say), recorded in audit events
    /// instead of the configured actor.
    @TaskLocal public static var actingAs: String?

    var actorName: String { Gallery.actingAs ?? configuration.actor }

    /// Creates a key for a tenant (creating the tenant on first use).
    public func createAPIKey(tenant: String, label: String?) async throws -> IssuedAPIKey {
        if let label { try Gallery.validate(name: label, what: "key label") }
        let keys = try await keys(for: tenant, create: true)
        let id = "k_" + RandomToken.hex(bytes: 6)
        let secret = "lk_\(id.dropFirst(2))_" + RandomToken.hex(bytes: 24)
        let new = NewAPIKey(id: id, tenantID: keys.tenant.id, label: label, secretHash: secretHash(secret))
        let draft = AuditDraft(
            tenant: tenant, actor: actorName, action: "api_key.create",
            details: ["key": .string(id), "label": .string(label ?? "")])
        let key = try await write { [signer] transaction in
            let now = Date()
            let key = try await transaction.insertAPIKey(new, at: now)
            _ = try await transaction.appendAudit(draft, signer: signer, at: now)
            return key
        }
        return IssuedAPIKey(key: key, secret: secret)
    }

    /// The active key a client presented, or nil for an unknown or revoked one.
    ///
    /// The store is searched by the HMAC of the presented secret: its index compares MACs an
    /// attacker cannot compute without the key, so the lookup's timing tells nothing about a
    /// stored hash. The id embedded in the secret (`lk_<id>_…`) must be the found key's.
    public func authenticate(secret: String) async throws -> APIKey? {
        guard secret.hasPrefix("lk_"), secret.utf8.count <= 200 else { return nil }
        guard let key = try await store.apiKey(secretHash: secretHash(secret)), key.isActive,
            secret.hasPrefix("lk_\(key.id.dropFirst(2))_")
        else { return nil }
        return key
    }

    /// Keys of one tenant, or of every tenant when `tenant` is nil.
    public func apiKeys(tenant: String?) async throws -> [APIKey] {
        guard let tenant else { return try await store.apiKeys(tenantID: nil) }
        guard let record = try await store.tenant(named: tenant) else { return [] }
        return try await store.apiKeys(tenantID: record.id)
    }

    /// Revokes a key by its id; later requests with it are refused.
    public func revokeAPIKey(id: String) async throws {
        let all = try await store.apiKeys(tenantID: nil)
        guard let key = all.first(where: { $0.id == id }) else { throw GalleryError(.notFound, "no API key \(id)") }
        let draft = AuditDraft(
            tenant: key.tenantName, actor: actorName, action: "api_key.revoke", details: ["key": .string(id)])
        let revoked = try await write { [signer] transaction in
            let now = Date()
            // A refused revocation leaves no event.
            guard try await transaction.revokeAPIKey(id: id, at: now) else { return false }
            _ = try await transaction.appendAudit(draft, signer: signer, at: now)
            return true
        }
        guard revoked else { throw GalleryError(.notFound, "API key \(id) is already revoked") }
    }

    /// What the store keeps of a secret: HMAC-SHA256(K, SHA-256(secret)), K derived from the
    /// audit key (`apiKeyMACKey`).
    ///
    /// A bare SHA-256 let whoever can write the database mint a key (insert the hash of a
    /// secret of their choosing); the MAC needs K, which only the master key unwraps. The
    /// SHA-256 inside lets key format 2's upgrade compute the new hash from the old one,
    /// without the secrets.
    func secretHash(_ secret: String) -> Data {
        Gallery.apiKeyHash(digest: Data(SHA256.hash(data: Data(secret.utf8))), key: apiKeyMACKey)
    }

    static func apiKeyHash(digest: Data, key: Data) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: digest, using: SymmetricKey(data: key)))
    }

    /// The MAC key of API key hashes: HKDF of the audit key under its own label.
    ///
    /// Derived from the audit key, a random key the master key wraps, rather than from the
    /// master key itself: rotating the master key re-wraps the audit key, so every stored hash
    /// (which cannot be recomputed without the secrets) stays valid.
    static func apiKeyMACKey(auditKey: SymmetricKey) -> Data {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: auditKey, info: Data("likeness api key hash v1".utf8), outputByteCount: 32
        ).withUnsafeBytes { Data($0) }
    }
}
