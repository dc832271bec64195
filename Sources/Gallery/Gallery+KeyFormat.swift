import Crypto
import Foundation
import Logging

extension Gallery {
    /// Brings the data from key format 1 to 2 (`KeyFormat`) inside the gallery's opening
    /// transaction, which holds the master key: all of it or none of it is upgraded, and a
    /// second process opening at the same time waits for the store's lock, then finds format 2.
    ///
    /// Every tenant's data key and the audit key are re-wrapped under their per-purpose
    /// context; every template is opened under its old context and sealed again under the new
    /// one (its subject's external id and the tenant's key version bound in); every API key's
    /// stored SHA-256 becomes HMAC(K, SHA-256): no secret is needed, so every issued key keeps
    /// working. A template that does not open is left as it is (it fails authentication when
    /// read, as it did before), and counted in the log and the audit event.
    ///
    /// Returns the head of the chain when it appended the upgrade's audit event (not on a
    /// fresh gallery, which has nothing to upgrade).
    static func upgradeKeyFormat(
        in transaction: any StoreTransaction, wrapper: KeyWrapper, auditKey: SymmetricKey, fresh: Bool,
        logger: Logger
    ) async throws -> AuditLink? {
        let tenants = try await transaction.tenants()
        var resealed = 0
        var unopened = 0
        for tenant in tenants {
            let dataKey = try wrapper.unwrap(tenant.wrappedKey, .legacy(tenant.name))
            try await transaction.updateTenantKey(
                tenant.id, wrappedKey: try wrapper.wrap(dataKey, .tenant(tenant.name)), newVersion: false)
            let cipher = try TenantKeys.cipher(dataKey: dataKey)
            var sealed: [Int64: Data] = [:]
            for template in try await transaction.templates(tenantID: tenant.id) {
                guard let externalID = template.subjectExternalID,
                    template.keyVersion == nil || template.keyVersion == tenant.keyVersion,
                    let vector = try? cipher.open(
                        template.sealed,
                        context: TenantKeys.legacyContext(
                            tenantID: tenant.id, subjectID: template.subjectID, pack: template.pack,
                            keyVersion: template.keyVersion))
                else {
                    unopened += 1
                    continue
                }
                sealed[template.id] = try cipher.seal(
                    vector,
                    context: TenantKeys.context(
                        tenantID: tenant.id, subjectID: template.subjectID, externalID: externalID,
                        pack: template.pack, keyVersion: tenant.keyVersion))
            }
            try await transaction.updateTemplates(sealed: sealed, keyVersion: tenant.keyVersion)
            resealed += sealed.count
        }
        try await transaction.updateSecret(
            named: auditKeyName, wrapped: try wrapper.wrap(auditKey, .system(auditKeyName)))
        let macKey = apiKeyMACKey(auditKey: auditKey)
        let keys = try await transaction.apiKeyHashes()
        for key in keys {
            try await transaction.updateAPIKeyHash(
                id: key.id, secretHash: apiKeyHash(digest: key.secretHash, key: macKey))
        }
        _ = try await transaction.insertSecretIfAbsent(
            named: KeyFormat.secretName, wrapped: Data([UInt8(KeyFormat.current)]))
        try await transaction.updateSecret(named: KeyFormat.secretName, wrapped: Data([UInt8(KeyFormat.current)]))
        if unopened > 0 {
            logger.error(
                "templates that fail authentication were left sealed as they were; they will fail when read",
                metadata: ["templates": "\(unopened)"])
        }
        guard !fresh else { return nil }
        logger.notice(
            "the data was upgraded to key format \(KeyFormat.current)",
            metadata: ["tenants": "\(tenants.count)", "templates": "\(resealed)", "api_keys": "\(keys.count)"])
        let event = try await transaction.appendAudit(
            AuditDraft(
                tenant: nil, actor: "system", action: "keys.upgrade_format",
                details: [
                    "format": .int(KeyFormat.current), "tenants": .int(tenants.count), "templates": .int(resealed),
                    "templates_not_opened": .int(unopened), "api_keys": .int(keys.count),
                ]),
            signer: AuditSigner(key: auditKey))
        return AuditLink(sequence: event.sequence, hash: event.hash)
    }
}
