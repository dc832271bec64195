import Foundation

/// An exclusive (or shared) lock on a file beside the master key, held across a master-key
/// rotation and across the recovery of an interrupted one.
///
/// Without it, a process opening the gallery between a rotation's `master.key.next` and its
/// commit would take the pending key for an abandoned one and delete it, and the database
/// could end up wrapped under a key that exists nowhere. `flock` locks are released by the
/// kernel when the process dies, so a crash never leaves the lock held.
enum MasterKeyLock {
    static func file(beside keyFile: URL) -> URL {
        keyFile.deletingLastPathComponent().appendingPathComponent(keyFile.lastPathComponent + ".lock")
    }

    /// Runs `body` holding the lock; a key from the environment needs none (it is never rotated
    /// here).
    static func withLock<T: Sendable>(
        beside keyFile: URL, environment: [String: String], exclusive: Bool,
        _ body: @Sendable () async throws -> T
    ) async throws -> T {
        guard environment[MasterKey.environmentVariable] == nil else { return try await body() }
        let path = file(beside: keyFile).path
        try FileManager.default.createDirectory(
            at: keyFile.deletingLastPathComponent(), withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if descriptor < 0, errno == EROFS || errno == EACCES,
            access(keyFile.deletingLastPathComponent().path, W_OK) != 0
        {
            // A read-only key directory (a mounted secret): no process can rotate the key or
            // leave a pending one there, so there is nothing to serialise.
            return try await body()
        }
        guard descriptor >= 0 else { throw GalleryError.invalidKey("cannot open \(path): errno \(errno)") }
        defer { close(descriptor) }
        try await acquire(descriptor, exclusive: exclusive, path: path)
        defer { flock(descriptor, LOCK_UN) }
        return try await body()
    }

    /// Polls a non-blocking flock so no thread of the cooperative pool is parked in the kernel.
    private static func acquire(_ descriptor: Int32, exclusive: Bool, path: String) async throws {
        let operation = (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB
        let deadline = ContinuousClock.now + .seconds(120)
        while flock(descriptor, operation) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                throw GalleryError.invalidKey("cannot lock \(path): errno \(errno)")
            }
            guard ContinuousClock.now < deadline else {
                throw GalleryError.invalidKey("\(path) stayed locked for 2 minutes (a master-key rotation hung?)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
