import Crypto
import Foundation

/// Data keys wrapped (AES-GCM) by a master key, so the database never holds a usable key.
///
/// Each wrapped key is bound to what it is for (`WrapContext`): a tenant's data key cannot be
/// passed off as a system secret, nor one tenant's as another's.
public struct KeyWrapper: Sendable {
    private let masterBytes: Data
    private var master: SymmetricKey { SymmetricKey(data: masterBytes) }

    public init(masterKey: SymmetricKey) throws {
        guard masterKey.bitCount == 256 else { throw GalleryError.invalidKey("the master key must be 256 bits") }
        masterBytes = masterKey.withUnsafeBytes { Data($0) }
    }

    /// A fresh random data key, and its wrapped form for storage.
    public func newDataKey(_ context: WrapContext) throws -> (key: SymmetricKey, wrapped: Data) {
        let key = SymmetricKey(size: .bits256)
        return (key, try wrap(key, context))
    }

    public func wrap(_ key: SymmetricKey, _ context: WrapContext) throws -> Data {
        let raw = key.withUnsafeBytes { Data($0) }
        guard let combined = try AES.GCM.seal(raw, using: master, authenticating: context.associatedData).combined
        else { throw GalleryError.invalidKey("AES-GCM produced no combined form") }
        return combined
    }

    public func unwrap(_ wrapped: Data, _ context: WrapContext) throws -> SymmetricKey {
        do {
            let raw = try AES.GCM.open(
                AES.GCM.SealedBox(combined: wrapped), using: master, authenticating: context.associatedData)
            return SymmetricKey(data: raw)
        } catch {
            throw GalleryError.invalidKey("the \(context.what) does not open with this master key")
        }
    }
}

/// What a wrapped key is for: the associated data of its wrapping.
///
/// Before key format 2 every key was wrapped under `tenant:<name>`, and the audit key under
/// `tenant:audit`, the very context of a tenant named `audit`. The contexts of format 2 carry
/// a label per purpose ahead of the name, so no tenant name can produce a system secret's
/// context (tenant names are free text; the labels differ before the name starts).
public enum WrapContext: Sendable, Equatable {
    /// A tenant's data key.
    case tenant(String)
    /// A system secret (the audit key), by its name in the secret table.
    case system(String)
    /// Either, as wrapped before key format 2 (`tenant:<name>`); read only by the upgrade.
    case legacy(String)

    var associatedData: Data {
        switch self {
        case .tenant(let name): Data("likeness-wrap-v2/tenant-data-key/\(name)".utf8)
        case .system(let name): Data("likeness-wrap-v2/system-secret/\(name)".utf8)
        case .legacy(let name): Data("tenant:\(name)".utf8)
        }
    }

    var what: String {
        switch self {
        case .tenant(let name): "data key of tenant \(name)"
        case .legacy(let name): "key \(name) (wrapped before key format 2)"
        case .system(let name): "system secret \(name)"
        }
    }
}
