import Foundation

/// The version of what the master key protects, kept in the secret table as `key_format`.
///
/// - 1: templates bound to row ids only, API key hashes a bare SHA-256, every key wrapped
///   under `tenant:<name>` (the audit key's context that of a tenant named `audit`).
/// - 2: templates also bound to their subject's external id and key version, API key hashes
///   an HMAC, wrap contexts per purpose (`WrapContext`).
///
/// Schema migration v5 records format 1 (it cannot upgrade: migrations run without the
/// master key); `Gallery.upgradeKeyFormat` brings the data to the current format when a
/// gallery opens with the key.
enum KeyFormat {
    static let secretName = "key_format"
    static let current = 2

    /// The format the store's data is in (the current one when no marker is stored).
    static func stored(in transaction: any StoreTransaction) async throws -> Int {
        guard let marker = try await transaction.secret(named: secretName) else { return current }
        guard marker.count == 1 else {
            throw GalleryError(.storeFailure, "the key format marker is malformed (\(marker.count) bytes)")
        }
        if Int(marker[marker.startIndex]) > current {
            throw GalleryError(
                .storeFailure,
                "the data is in key format \(marker[marker.startIndex]), written by a newer version of Likeness; "
                    + "this version reads formats up to \(current): upgrade Likeness to open it")
        }
        return Int(marker[marker.startIndex])
    }
}
