import Crypto
import Foundation

extension Gallery {
    /// Replaces the master key: every data key and the audit key are re-wrapped in one
    /// transaction, then the new key file replaces the old one.
    ///
    /// The new key is first written beside the old (`master.key.next`, mode 0600). If the
    /// process dies after the database commit and before the rename, the next open finds that
    /// the database only opens with the new key and finishes the rename.
    public func rotateMasterKey() async throws {
        guard let file = masterKey.file else {
            throw GalleryError.invalidKey(
                "the master key comes from \(MasterKey.environmentVariable); rotate it where it is kept, or use a key file"
            )
        }
        let next = masterKey.successor()
        let nextWrapper = try KeyWrapper(masterKey: next.symmetricKey)
        var tenants: [Int64: Data] = [:]
        for tenant in try await store.tenants() {
            tenants[tenant.id] = try nextWrapper.wrap(
                try wrapper.unwrap(tenant.wrappedKey, tenant: tenant.name), tenant: tenant.name)
        }
        guard let wrappedAudit = try await store.secret(named: Gallery.auditKeyName) else {
            throw GalleryError(.storeFailure, "the audit key is missing")
        }
        let auditKey = try wrapper.unwrap(wrappedAudit, tenant: Gallery.auditKeyName)
        let pending = Gallery.pendingKeyFile(for: file)
        try? FileManager.default.removeItem(at: pending)
        try MasterKey.write(next.bytes, to: pending, exclusive: true)
        let rewrappedAudit = try nextWrapper.wrap(auditKey, tenant: Gallery.auditKeyName)
        let draft = AuditDraft(
            tenant: nil, actor: actorName, action: "keys.rotate_master", details: ["tenants": .int(tenants.count)])
        try await store.transaction { [signer, tenants] transaction in
            for (id, wrapped) in tenants {
                try await transaction.updateTenantKey(id, wrappedKey: wrapped, newVersion: false)
            }
            try await transaction.updateSecret(named: Gallery.auditKeyName, wrapped: rewrappedAudit)
            _ = try await transaction.appendAudit(draft, signer: signer)
        }
        try Gallery.promote(pending, to: file)
        masterKey = next
        wrapper = nextWrapper
    }

    /// Gives a tenant a new data key, which also replaces its template transform: every stored
    /// template is moved to the new transform (T′ = R₂·R₁ᵀ·T) and sealed under the new key, in
    /// one transaction. Templates computed under the old key no longer match anything.
    public func rotateTenantKey(tenant name: String) async throws -> Int {
        let old = try await keys(for: name, create: false)
        let (newKey, wrapped) = try wrapper.newDataKey(tenant: name)
        var tenant = old.tenant
        tenant.wrappedKey = wrapped
        tenant.keyVersion += 1
        let new = try TenantKeys(tenant: tenant, dataKey: newKey, dimension: configuration.dimension)
        var resealed: [Int64: Data] = [:]
        var after: Int64 = 0
        while true {
            let subjects = try await store.subjects(tenantID: tenant.id, afterID: after, limit: 1_000)
            for subject in subjects {
                for template in try await store.templates(subjectID: subject.id) {
                    let context = TenantKeys.context(tenantID: tenant.id, subjectID: subject.id, pack: template.pack)
                    let moved = new.transform.reprotect(
                        try old.cipher.open(template.sealed, context: context), from: old.transform)
                    resealed[template.id] = try new.cipher.seal(moved, context: context)
                }
            }
            guard let last = subjects.last else { break }
            after = last.id
        }
        let draft = AuditDraft(
            tenant: name, actor: actorName, action: "keys.rotate_tenant",
            details: ["templates": .int(resealed.count), "key_version": .int(tenant.keyVersion)])
        try await store.transaction { [signer, resealed, tenantID = tenant.id, tenantKeyVersion = tenant.keyVersion] transaction in
            try await transaction.updateTenantKey(tenantID, wrappedKey: wrapped, newVersion: true)
            try await transaction.updateTemplates(sealed: resealed, keyVersion: tenantKeyVersion)
            _ = try await transaction.appendAudit(draft, signer: signer)
        }
        tenantKeys[name] = new
        for key in indexes.keys where key.tenantID == tenant.id { indexes.removeValue(forKey: key) }
        return resealed.count
    }

    static func pendingKeyFile(for file: URL) -> URL {
        file.deletingLastPathComponent().appendingPathComponent(file.lastPathComponent + ".next")
    }

    static func promote(_ pending: URL, to file: URL) throws {
        guard rename(pending.path, file.path) == 0 else {
            throw GalleryError.invalidKey("cannot replace \(file.path) with \(pending.path): errno \(errno)")
        }
    }

    /// Completes a master-key rotation that a crash interrupted (see `rotateMasterKey`).
    static func finishPendingRotation(keyFile: URL, store: any GalleryStore, environment: [String: String])
        async throws
    {
        let pending = pendingKeyFile(for: keyFile)
        guard environment[MasterKey.environmentVariable] == nil,
            FileManager.default.fileExists(atPath: pending.path),
            let wrapped = try await store.secret(named: auditKeyName)
        else { return }
        let next = try MasterKey.load(file: pending, environment: [:])
        if (try? unwrapAuditKey(wrapped, masterKey: next)) != nil {
            try promote(pending, to: keyFile)  // the database already uses the new key
        } else {
            try FileManager.default.removeItem(at: pending)  // the rotation never committed
        }
    }
}
