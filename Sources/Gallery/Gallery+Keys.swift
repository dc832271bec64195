import Crypto
import Foundation

extension Gallery {
    /// Replaces the master key: every data key and the audit key are re-wrapped in one
    /// transaction, then the new key file replaces the old one.
    ///
    /// Held under the key file's lock (`MasterKeyLock`) from start to end, so no other process
    /// can take the pending key for an abandoned one. The new key is first written beside the
    /// old (`master.key.next`, mode 0600) and the old one is kept as `master.key.previous` until
    /// the next rotation. If the process dies after the database commit and before the rename,
    /// the next open finds the database's fingerprint is the pending key's and finishes the
    /// rename. The transaction checks that the database is still wrapped under this process's
    /// key, so two rotations (even on two machines with copies of the key) cannot both commit
    /// from the same starting key. Other processes reload the key file when they apply the
    /// change this rotation logs.
    public func rotateMasterKey() async throws {
        guard let file = masterKey.file else {
            throw GalleryError.invalidKey(
                "the master key comes from \(MasterKey.environmentVariable); rotate it where it is kept, or use a key file"
            )
        }
        try await MasterKeyLock.withLock(beside: file, environment: [:], exclusive: true) {
            try await Gallery.finishPendingRotation(keyFile: file, store: self.store, environment: [:])
            try await self.rotateMasterKeyLocked(file: file)
        }
    }

    private func rotateMasterKeyLocked(file: URL) async throws {
        reloadMasterKey()  // another process may have rotated since this one loaded the key
        let current = masterKey
        let currentWrapper = wrapper
        let next = current.successor()
        let nextWrapper = try KeyWrapper(masterKey: next.symmetricKey)
        let previous = Gallery.previousKeyFile(for: file)
        try? FileManager.default.removeItem(at: previous)
        try MasterKey.write(current.bytes, to: previous, exclusive: true)
        let pending = Gallery.pendingKeyFile(for: file)
        try MasterKey.write(next.bytes, to: pending, exclusive: true)
        do {
            try await write { [signer, actor = actorName] transaction in
                let now = Date()
                try await transaction.requireMasterFingerprint(current.fingerprint)
                let tenants = try await transaction.tenants()
                for tenant in tenants {
                    let dataKey = try currentWrapper.unwrap(tenant.wrappedKey, .tenant(tenant.name))
                    try await transaction.updateTenantKey(
                        tenant.id, wrappedKey: try nextWrapper.wrap(dataKey, .tenant(tenant.name)), newVersion: false)
                }
                guard let wrappedAudit = try await transaction.secret(named: Gallery.auditKeyName) else {
                    throw GalleryError(.storeFailure, "the audit key is missing")
                }
                let auditKey = try currentWrapper.unwrap(wrappedAudit, .system(Gallery.auditKeyName))
                try await transaction.updateSecret(
                    named: Gallery.auditKeyName, wrapped: try nextWrapper.wrap(auditKey, .system(Gallery.auditKeyName)))
                _ = try await transaction.insertSecretIfAbsent(
                    named: MasterKey.fingerprintSecretName, wrapped: next.fingerprint)
                try await transaction.updateSecret(named: MasterKey.fingerprintSecretName, wrapped: next.fingerprint)
                try await transaction.appendChange(NewChange(.masterKeyRewrapped, tenantID: nil), at: now)
                _ = try await transaction.appendAudit(
                    AuditDraft(
                        tenant: nil, actor: actor, action: "keys.rotate_master",
                        details: ["tenants": .int(tenants.count)]),
                    signer: signer, at: now)
            }
        } catch {
            try? FileManager.default.removeItem(at: pending)  // never committed: nothing uses it
            throw error
        }
        try Gallery.promote(pending, to: file)
        masterKey = next
        wrapper = nextWrapper
        try await synchronize()
    }

    /// Gives a tenant a new data key, which also replaces its template transform: every stored
    /// template is moved to the new transform (T′ = R₂·R₁ᵀ·T) and sealed under the new key and
    /// version, in one transaction that reads what it rewrites, so no template written meanwhile
    /// is left behind. Templates computed under the old key no longer match anything.
    ///
    /// Enrolments through other processes that still hold the old key are refused by their
    /// transaction (it checks the key version) and retried with the new key.
    public func rotateTenantKey(tenant name: String) async throws -> Int {
        try await synchronize()
        var attempt = 0
        while true {
            attempt += 1
            let old = try await keys(for: name, create: false)
            do {
                let count = try await rotateTenantKeyOnce(from: old)
                try await synchronize()
                return count
            } catch let error as StaleKeys where attempt < 8 {
                _ = error
                forgetTenantKeys(old.tenant.id)
                try await synchronize()
            } catch is StaleMasterKey where attempt < 8 {
                reloadMasterKey()
            }
        }
    }

    private func rotateTenantKeyOnce(from old: TenantKeys) async throws -> Int {
        let (newKey, wrapped) = try wrapper.newDataKey(.tenant(old.tenant.name))
        var tenant = old.tenant
        tenant.wrappedKey = wrapped
        tenant.keyVersion += 1
        let new = try await Gallery.deriveKeys(
            tenant: tenant, dataKey: newKey.withUnsafeBytes { Data($0) }, dimension: configuration.dimension)
        let fingerprint = masterKey.fingerprint
        return try await write { [signer, actor = actorName, tenant] transaction in
            let now = Date()
            try await transaction.requireMasterFingerprint(fingerprint)
            let stored = try await transaction.tenantKeyVersion(tenant.id)
            guard stored == old.tenant.keyVersion else {
                throw StaleKeys(tenantID: tenant.id, stored: stored ?? 0, held: old.tenant.keyVersion)
            }
            var resealed: [Int64: Data] = [:]
            for template in try await transaction.templates(tenantID: tenant.id) {
                let moved = new.transform.reprotect(try old.open(template), from: old.transform)
                guard let externalID = template.subjectExternalID else {
                    throw GalleryError.tampered("template \(template.id) was read without its subject's id")
                }
                resealed[template.id] = try new.seal(
                    moved, subjectID: template.subjectID, externalID: externalID, pack: template.pack)
            }
            try await transaction.updateTenantKey(tenant.id, wrappedKey: wrapped, newVersion: true)
            try await transaction.updateTemplates(sealed: resealed, keyVersion: tenant.keyVersion)
            try await transaction.appendChange(
                NewChange(.tenantKeyRotated, tenantID: tenant.id, keyVersion: tenant.keyVersion), at: now)
            _ = try await transaction.appendAudit(
                AuditDraft(
                    tenant: tenant.name, actor: actor, action: "keys.rotate_tenant",
                    details: ["templates": .int(resealed.count), "key_version": .int(tenant.keyVersion)]),
                signer: signer, at: now)
            return resealed.count
        }
    }

    /// Runs a write that wraps keys with the master key, reloading the key file and trying
    /// again when the database turns out to be wrapped under a newer key.
    func withCurrentMasterKey<T: Sendable>(_ body: (KeyWrapper, Data) async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await body(wrapper, masterKey.fingerprint)
            } catch is StaleMasterKey where attempt < 20 {
                // The rotating process renames its key file just after its commit.
                reloadMasterKey()
                try await Task.sleep(for: .milliseconds(50))
            } catch is StaleMasterKey {
                throw MasterKey.mismatch(masterKey, stored: try await store.secret(named: MasterKey.fingerprintSecretName))
            }
        }
    }

    /// Loads the key file again when another process replaced it.
    func reloadMasterKey() {
        guard let file = masterKey.file,
            let loaded = try? MasterKey.load(file: file, environment: [:], create: false),
            loaded.bytes != masterKey.bytes, let loadedWrapper = try? KeyWrapper(masterKey: loaded.symmetricKey)
        else { return }
        masterKey = loaded
        wrapper = loadedWrapper
    }

    static func pendingKeyFile(for file: URL) -> URL {
        file.deletingLastPathComponent().appendingPathComponent(file.lastPathComponent + ".next")
    }

    static func previousKeyFile(for file: URL) -> URL {
        file.deletingLastPathComponent().appendingPathComponent(file.lastPathComponent + ".previous")
    }

    static func promote(_ pending: URL, to file: URL) throws {
        guard rename(pending.path, file.path) == 0 else {
            throw GalleryError.invalidKey("cannot replace \(file.path) with \(pending.path): errno \(errno)")
        }
    }

    /// Completes a master-key rotation that a crash interrupted (see `rotateMasterKey`); the
    /// caller holds the key file's lock, so a pending key here belongs to no rotation in flight.
    static func finishPendingRotation(keyFile: URL, store: any GalleryStore, environment: [String: String])
        async throws
    {
        let pending = pendingKeyFile(for: keyFile)
        guard environment[MasterKey.environmentVariable] == nil,
            FileManager.default.fileExists(atPath: pending.path),
            let wrapped = try await store.secret(named: auditKeyName)
        else { return }
        let next = try MasterKey.load(file: pending, environment: [:], create: false)
        let committed: Bool
        if let stored = try await store.secret(named: MasterKey.fingerprintSecretName) {
            committed = stored == next.fingerprint
        } else {
            committed = (try? unwrapAuditKey(wrapped, masterKey: next)) != nil
        }
        if committed {
            try promote(pending, to: keyFile)  // the database already uses the new key
        } else {
            try FileManager.default.removeItem(at: pending)  // the rotation never committed
        }
    }
}

/// The database's keys are wrapped under another master key than this process holds.
struct StaleMasterKey: Error {}

extension StoreTransaction {
    /// Throws `StaleMasterKey` unless the database's keys are wrapped under the key with
    /// `fingerprint` (checked inside the transaction, so no rotation can commit in between).
    func requireMasterFingerprint(_ fingerprint: Data) async throws {
        if let stored = try await secret(named: MasterKey.fingerprintSecretName), stored != fingerprint {
            throw StaleMasterKey()
        }
    }
}
