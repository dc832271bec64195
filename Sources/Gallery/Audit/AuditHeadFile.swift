import Crypto
import Foundation
import Synchronization

/// The audit chain's head (last sequence number and hash), signed and kept in a file outside
/// the database, so events cut off the end of the chain are seen.
///
/// The chain itself proves every event up to the last one stored; it cannot prove that the
/// last one stored is the last one written. After each commit that appended events, the gallery
/// writes the new head here (atomically: a temporary file, fsync, rename), MAC'd under a key
/// derived from the audit key (HKDF, its own label): whoever can write the database but does
/// not hold the master key can neither forge a head nor lower one. `audit verify` reports a
/// chain that ends before the anchored head as `truncated`.
///
/// The file lives beside the master key file (`<key file>.audit-head`), or in the data
/// directory when the key comes from the environment. It is local to one machine: with
/// PostgreSQL and several nodes, each node's file proves only "the chain reached at least N,
/// as this node saw it", and a chain longer than the head (events appended by other nodes) is
/// `behind`, which is no break. The head only ever moves forward: a chain restored from a
/// backup is reported as truncated until the file is moved aside (it names the lost events).
final class AuditHeadFile: Sendable {
    /// What reading the file found.
    enum Reading: Sendable, Equatable {
        case missing
        case invalid(String)
        case head(AuditLink)
    }

    let url: URL
    private let keyBytes: Data
    /// The highest sequence this process knows the file to hold (it never goes back).
    private let known = Mutex<Int64>(0)
    private let reportedInvalid = Mutex<Bool>(false)

    static let format = "likeness-audit-head-v1"

    init(url: URL, auditKey: SymmetricKey) {
        self.url = url
        keyBytes = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: auditKey, info: Data("likeness audit head v1".utf8), outputByteCount: 32
        ).withUnsafeBytes { Data($0) }
    }

    /// Where the head file of a gallery goes: beside its key file, else (a key from the
    /// environment, or in a read-only directory such as a mounted secret) in its data directory.
    static func location(keyFile: URL?, directory: URL?) -> URL? {
        if let keyFile {
            let folder = keyFile.deletingLastPathComponent()
            if directory == nil || access(folder.path, W_OK) == 0 {
                return folder.appendingPathComponent(keyFile.lastPathComponent + ".audit-head")
            }
        }
        return directory?.appendingPathComponent("audit-head")
    }

    func mac(_ head: AuditLink) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: Self.message(head), using: SymmetricKey(data: keyBytes)))
    }

    /// The head the file holds, checked against its MAC.
    func read() -> Reading {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            return FileManager.default.fileExists(atPath: url.path) ? .invalid("it cannot be read") : .missing
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            object["format"] as? String == AuditHeadFile.format,
            let sequence = (object["sequence"] as? NSNumber)?.int64Value, sequence > 0,
            let hash = (object["hash"] as? String).flatMap({ Data(base64Encoded: $0) }), hash.count == 32,
            let mac = (object["mac"] as? String).flatMap({ Data(base64Encoded: $0) })
        else { return .invalid("it is not a Likeness audit head") }
        let head = AuditLink(sequence: sequence, hash: hash)
        // Both MACs are 32 bytes; HMAC's isValidAuthenticationCode compares in constant time.
        guard
            HMAC<SHA256>.isValidAuthenticationCode(
                mac, authenticating: Self.message(head), using: SymmetricKey(data: keyBytes))
        else { return .invalid("its MAC does not match (edited, or written for another gallery)") }
        return .head(head)
    }

    private static func message(_ head: AuditLink) -> Data {
        var message = Data(format.utf8)
        withUnsafeBytes(of: UInt64(bitPattern: head.sequence).bigEndian) { message.append(contentsOf: $0) }
        message.append(head.hash)
        return message
    }

    /// Moves the anchored head forward to `head`; a file already at or past it is left as it is.
    ///
    /// Under an exclusive `flock` on `<file>.lock`, so two processes of one machine (a server
    /// and a CLI command) cannot move it back. An invalid file is kept as evidence, not
    /// replaced: `audit verify` reports it until an operator moves it aside.
    @concurrent
    func advance(to head: AuditLink) async throws {
        guard known.withLock({ $0 < head.sequence }) else { return }
        let lockPath = url.path + ".lock"
        let lock = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lock >= 0 else { throw GalleryError(.storeFailure, "cannot open \(lockPath): errno \(errno)") }
        defer { close(lock) }
        // Held for one small write; another holder is another process doing the same.
        while flock(lock, LOCK_EX) != 0 {
            guard errno == EINTR else { throw GalleryError(.storeFailure, "cannot lock \(lockPath): errno \(errno)") }
        }
        defer { flock(lock, LOCK_UN) }
        switch read() {
        case .head(let current) where current.sequence >= head.sequence:
            known.withLock { $0 = max($0, current.sequence) }
            return
        case .invalid(let reason):
            if !reportedInvalid.withLock({ $0 }) {
                reportedInvalid.withLock { $0 = true }
                throw GalleryError.tampered(
                    "the audit head file \(url.path) is invalid (\(reason)); it is left as evidence")
            }
            return
        case .head, .missing:
            try write(head)
            known.withLock { $0 = max($0, head.sequence) }
        }
    }

    private func write(_ head: AuditLink) throws {
        let object: [String: Any] = [
            "format": AuditHeadFile.format, "sequence": head.sequence, "hash": head.hash.base64EncodedString(),
            "mac": mac(head).base64EncodedString(),
        ]
        var data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        data.append(0x0A)
        let temporary = url.path + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw GalleryError(.storeFailure, "cannot create \(temporary): errno \(errno)") }
        let written = data.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == data.count, synced, rename(temporary, url.path) == 0 else {
            let code = errno
            unlink(temporary)
            throw GalleryError(.storeFailure, "cannot write \(url.path): errno \(code)")
        }
    }
}
