import Crypto
import Foundation
import Tokens

/// The key that wraps every other key, read from a file or from the environment.
///
/// The file holds the key in base64 and is created on first use with mode 0600; a file that
/// others can read is refused (a symbolic link, as a mounted secret is, is judged by its target). `LIKENESS_MASTER_KEY` (base64) takes precedence and is never
/// written anywhere.
public struct MasterKey: Sendable {
    /// The environment variable that can hold the key.
    public static let environmentVariable = "LIKENESS_MASTER_KEY"

    let bytes: Data
    /// The file the key came from; nil when it came from the environment.
    public let file: URL?

    var symmetricKey: SymmetricKey { SymmetricKey(data: bytes) }

    init(bytes: Data, file: URL?) {
        self.bytes = bytes
        self.file = file
    }

    /// The key from the environment, else from `file`, creating the file when it is missing.
    public static func load(
        file: URL, environment: [String: String] = ProcessInfo.processInfo.environment, create: Bool = true
    ) throws -> MasterKey {
        if let text = environment[environmentVariable] {
            return MasterKey(bytes: try decode(text, source: environmentVariable), file: nil)
        }
        let manager = FileManager.default
        if !manager.fileExists(atPath: file.path) {
            guard create else { throw GalleryError.invalidKey("\(file.path) does not exist") }
            try write(SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }, to: file, exclusive: true)
        }
        try checkPermissions(of: file)
        guard let data = manager.contents(atPath: file.path) else {
            throw GalleryError.invalidKey("cannot read \(file.path)")
        }
        return MasterKey(bytes: try decode(String(decoding: data, as: UTF8.self), source: file.path), file: file)
    }

    /// Refuses a key file that is not a regular file or that others can read.
    ///
    /// `stat` follows symbolic links, so a mounted secret (Kubernetes and Docker mount each key
    /// as a symlink into `..data/`) is judged by the file it finally points to: accepted when
    /// that is a regular file only its owner can read, refused when it is group- or
    /// world-readable, a directory or a dangling link.
    static func checkPermissions(of file: URL) throws {
        var status = stat()
        guard stat(file.path, &status) == 0 else {
            throw GalleryError.invalidKey("cannot read \(file.path): errno \(errno)")
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw GalleryError.invalidKey("\(file.path) is not a regular file (nor a link to one)")
        }
        let mode = Int(status.st_mode & 0o777)
        if mode & 0o077 != 0 {
            throw GalleryError.invalidKey(
                "\(file.path) is readable by other users (mode \(String(mode, radix: 8))); run chmod 600 on it")
        }
    }

    /// The name under which the store keeps the fingerprint of the key its keys are wrapped with.
    static let fingerprintSecretName = "master.fingerprint"

    /// A public identifier of the key (HMAC-SHA256 of a fixed label, 8 bytes): it names a key in
    /// an error without revealing anything about it.
    var fingerprint: Data {
        Data(HMAC<SHA256>.authenticationCode(for: Data("likeness master key fingerprint v1".utf8), using: symmetricKey))
            .prefix(8)
    }

    /// The error for a key that does not open the database, naming both keys by fingerprint.
    static func mismatch(_ key: MasterKey, stored: Data?) -> GalleryError {
        let source = key.file?.path ?? environmentVariable
        var message = "the master key in \(source) (fingerprint \(Hex.string(key.fingerprint))) does not open this database"
        if let stored {
            message += "; its keys are wrapped under the key with fingerprint \(Hex.string(stored))"
            if let file = key.file {
                for candidate in [Gallery.pendingKeyFile(for: file), Gallery.previousKeyFile(for: file)] {
                    if let other = try? MasterKey.load(file: candidate, environment: [:], create: false),
                        other.fingerprint == stored
                    {
                        message += ", which is \(candidate.path)"
                    }
                }
            }
        }
        return GalleryError.invalidKey(message)
    }

    /// A new random key for the same file (not yet written).
    func successor() -> MasterKey {
        MasterKey(bytes: SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }, file: file)
    }

    static func decode(_ text: String, source: String) throws -> Data {
        guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), data.count == 32
        else { throw GalleryError.invalidKey("\(source) must hold a 256-bit key in base64") }
        return data
    }

    /// Writes a key file with mode 0600 from the start (never briefly readable by others).
    static func write(_ bytes: Data, to file: URL, exclusive: Bool) throws {
        try FileManager.default.createDirectory(
            at: file.deletingLastPathComponent(), withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        let flags = O_WRONLY | O_CREAT | (exclusive ? O_EXCL : O_TRUNC)
        let descriptor = open(file.path, flags, 0o600)
        guard descriptor >= 0 else { throw GalleryError.invalidKey("cannot create \(file.path): errno \(errno)") }
        defer { close(descriptor) }
        let text = Data((bytes.base64EncodedString() + "\n").utf8)
        let written = text.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
        guard written == text.count, fsync(descriptor) == 0 else {
            throw GalleryError.invalidKey("cannot write \(file.path): errno \(errno)")
        }
    }
}
