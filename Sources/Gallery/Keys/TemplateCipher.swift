import Crypto
import Foundation

/// Encryption at rest of template vectors: AES-256-GCM under a tenant's data key.
///
/// The sealed form is nonce ‖ ciphertext ‖ tag (AES.GCM's combined representation). The
/// associated data binds a ciphertext to its tenant, subject and model pack, so a row copied
/// to another subject fails to open instead of impersonating it.
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

/// Data keys wrapped (AES-GCM) by a master key, so the database never holds a usable key.
public struct KeyWrapper: Sendable {
    private let masterBytes: Data
    private var master: SymmetricKey { SymmetricKey(data: masterBytes) }

    public init(masterKey: SymmetricKey) throws {
        guard masterKey.bitCount == 256 else { throw GalleryError.invalidKey("the master key must be 256 bits") }
        masterBytes = masterKey.withUnsafeBytes { Data($0) }
    }

    /// A fresh random data key, and its wrapped form for storage.
    public func newDataKey(tenant: String) throws -> (key: SymmetricKey, wrapped: Data) {
        let key = SymmetricKey(size: .bits256)
        return (key, try wrap(key, tenant: tenant))
    }

    public func wrap(_ key: SymmetricKey, tenant: String) throws -> Data {
        let raw = key.withUnsafeBytes { Data($0) }
        guard
            let combined = try AES.GCM.seal(raw, using: master, authenticating: Data("tenant:\(tenant)".utf8)).combined
        else { throw GalleryError.invalidKey("AES-GCM produced no combined form") }
        return combined
    }

    public func unwrap(_ wrapped: Data, tenant: String) throws -> SymmetricKey {
        do {
            let raw = try AES.GCM.open(
                AES.GCM.SealedBox(combined: wrapped), using: master, authenticating: Data("tenant:\(tenant)".utf8))
            return SymmetricKey(data: raw)
        } catch {
            throw GalleryError.invalidKey("the data key of tenant \(tenant) does not open with this master key")
        }
    }
}
