import Crypto
import Foundation

/// What a tenant's data key unlocks: the template cipher and the template transform.
///
/// Both are derived from the one data key with HKDF under different labels, so replacing the
/// data key replaces both at once.
struct TenantKeys: Sendable {
    let tenant: Tenant
    let cipher: TemplateCipher
    let transform: TenantTransform

    init(tenant: Tenant, dataKey: SymmetricKey, dimension: Int) throws {
        self.tenant = tenant
        cipher = try TenantKeys.cipher(dataKey: dataKey)
        transform = TenantTransform(key: dataKey, dimension: dimension)
    }

    /// The template cipher of a data key (without the transform, which takes a moment to derive).
    static func cipher(dataKey: SymmetricKey) throws -> TemplateCipher {
        let encryptionKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: dataKey, info: Data("likeness template encryption v1".utf8), outputByteCount: 32)
        return try TemplateCipher(dataKey: encryptionKey)
    }

    /// The associated data that binds a sealed template (key format 2) to its tenant, its
    /// subject's row and external id, its pack and the key version it was sealed under.
    ///
    /// The external id is the name the API answers with and a sign-in claims, so it must be
    /// authenticated too: with row ids alone, swapping two subjects' `external_id` in the
    /// database made one person's face verify as the other. The pack and the external id are
    /// length-prefixed, so no choice of either can shift bytes into the other. With the
    /// version bound in, a template sealed by a process still holding a replaced key is
    /// recognised as such (its row says which version) instead of failing as tampered data.
    static func context(tenantID: Int64, subjectID: Int64, externalID: String, pack: String, keyVersion: Int)
        -> String
    {
        "likeness/v2/t\(tenantID)/s\(subjectID)/x\(externalID.utf8.count):\(externalID)"
            + "/p\(pack.utf8.count):\(pack)/k\(keyVersion)"
    }

    /// The associated data of templates sealed before key format 2 (row ids only), read once by
    /// the upgrade that re-seals them.
    static func legacyContext(tenantID: Int64, subjectID: Int64, pack: String, keyVersion: Int?) -> String {
        let base = "likeness/t\(tenantID)/s\(subjectID)/\(pack)"
        return keyVersion.map { base + "/k\($0)" } ?? base
    }

    /// Opens a stored template with these keys; names the template when it does not open.
    func open(_ template: Template) throws -> [Float] {
        if let version = template.keyVersion, version > tenant.keyVersion {
            throw StaleKeys(tenantID: tenant.id, stored: version, held: tenant.keyVersion)
        }
        if let version = template.keyVersion, version != tenant.keyVersion {
            throw GalleryError.tampered(
                "template \(template.id) is sealed under key version \(version) of tenant \(tenant.name), "
                    + "which is at version \(tenant.keyVersion)")
        }
        guard let externalID = template.subjectExternalID else {
            throw GalleryError.tampered("template \(template.id) was read without its subject's id")
        }
        let context = TenantKeys.context(
            tenantID: tenant.id, subjectID: template.subjectID, externalID: externalID, pack: template.pack,
            keyVersion: template.keyVersion ?? tenant.keyVersion)
        do {
            return try cipher.open(template.sealed, context: context)
        } catch {
            throw GalleryError.tampered(
                "template \(template.id) of subject \(template.subjectID) (tenant \(tenant.name)) failed "
                    + "authentication: it was altered, moved, or its subject's id was changed in the database")
        }
    }

    /// Seals a (transformed) vector for a new template of a subject under these keys.
    func seal(_ vector: [Float], subjectID: Int64, externalID: String, pack: String) throws -> Data {
        try cipher.seal(
            vector,
            context: TenantKeys.context(
                tenantID: tenant.id, subjectID: subjectID, externalID: externalID, pack: pack,
                keyVersion: tenant.keyVersion))
    }
}

/// A template is sealed under a newer key version than the keys at hand: another process
/// rotated the tenant's key, and this one has not applied the rotation yet. Callers apply the
/// change log and try again.
struct StaleKeys: Error {
    var tenantID: Int64
    var stored: Int
    var held: Int
}
