import Crypto
import Foundation

/// Encryption at rest of template vectors: AES-256-GCM under a tenant's data key.
///
/// The sealed form is nonce ‖ ciphertext ‖ tag (AES.GCM's combined representation). The
/// associated data (`TenantKeys.context`) binds a ciphertext to its tenant, its subject's row
/// and external id, its model pack and its key version, so a row copied to another subject, or
/// a subject whose external id was changed in the database, fails to open instead of
/// impersonating someone.
public struct TemplateCipher: Sendable {
    // Key bytes rather than SymmetricKey, which this swift-crypto version does not mark Sendable.
    private let keyBytes: Data
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    /// A cipher for one tenant's data key (256 bits).
    public init(dataKey: SymmetricKey) throws {
        guard dataKey.bitCount == 256 else { throw GalleryError.invalidKey("a data key must be 256 bits") }
        keyBytes = dataKey.withUnsafeBytes { Data($0) }
    }

    /// Seals a vector; `context` is authenticated but not encrypted.
    public func seal(_ vector: [Float], context: String) throws -> Data {
        let plaintext = vector.withUnsafeBufferPointer { Data(buffer: $0) }
        let box = try AES.GCM.seal(plaintext, using: key, authenticating: Data(context.utf8))
        guard let combined = box.combined else { throw GalleryError.invalidKey("AES-GCM produced no combined form") }
        return combined
    }

    /// Opens a sealed vector; throws when the key, the context or any byte is wrong.
    public func open(_ sealed: Data, context: String) throws -> [Float] {
        let plaintext: Data
        do {
            plaintext = try AES.GCM.open(
                AES.GCM.SealedBox(combined: sealed), using: key, authenticating: Data(context.utf8))
        } catch {
            throw GalleryError.tampered("a template failed authentication")
        }
        guard plaintext.count % MemoryLayout<Float>.size == 0 else {
            throw GalleryError.tampered("bad template length")
        }
        return plaintext.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }
}
