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
        let encryptionKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: dataKey, info: Data("likeness template encryption v1".utf8), outputByteCount: 32)
        cipher = try TemplateCipher(dataKey: encryptionKey)
        transform = TenantTransform(key: dataKey, dimension: dimension)
    }

    /// The associated data that binds a sealed template to its tenant, subject and pack.
    static func context(tenantID: Int64, subjectID: Int64, pack: String) -> String {
        "likeness/t\(tenantID)/s\(subjectID)/\(pack)"
    }
}
