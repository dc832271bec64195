import Foundation
import Tokens
import Workflows

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where liveness recordings wait for their analysis (OpenCV decodes video only from a path): a
/// directory this server owns, swept of what a killed server left behind.
///
/// The root (config `recordings_dir`, default `$TMPDIR/likeness-recordings-<uid>`) must be a
/// real directory, not a symlink, owned by this user; it is created 0700 and any group or other
/// access is removed. Each instance (one per API router) works in a subdirectory of its own,
/// named `<pid>-<random>`, and holds an exclusive `flock` on the `lock` file inside it for as long
/// as it lives. At start-up every subdirectory whose lock can be taken is removed: its owner is
/// gone (the kernel drops a killed process's locks), so what it holds is a leftover recording.
/// Nothing else in the root is touched, so pointing it at a shared directory loses no file.
/// Another live server's subdirectory, on the same root, keeps its lock and is left alone; a
/// lock rather than the pid in the name, because a pid is reused and a lock is not.
///
/// A subdirectory is made under a dot name, locked, then renamed into place, so a sweep never sees
/// a live one before its lock is held.
final class RecordingsDirectory: Sendable {
    let root: String
    /// This instance's subdirectory; nil when the root is unusable (`problem` says why).
    let own: String?
    /// Why recordings cannot be staged: logged, and every upload answers 500 `internal_error`.
    let problem: String?
    private let lock: Int32

    /// Stale staging directories (a crash between `mkdir` and `rename`) older than this are removed.
    static let stagingGrace: TimeInterval = 60

    /// The default root: `likeness-recordings-<uid>` in the temporary directory.
    static var defaultRoot: String {
        (NSTemporaryDirectory() as NSString).appendingPathComponent("likeness-recordings-\(geteuid())")
    }

    /// Prepares `root` (nil: `defaultRoot`), sweeps it, and takes a locked subdirectory of its own.
    init(root: String?) {
        let root = root ?? Self.defaultRoot
        self.root = root
        var problem: String?
        var own: String?
        var lock: Int32 = -1
        do {
            try Self.prepare(root)
            Self.sweep(root)
            (own, lock) = try Self.claim(in: root)
        } catch let error as Failure {
            problem = error.message
        } catch {
            problem = "\(error)"
        }
        self.own = own
        self.lock = lock
        self.problem = problem
    }

    deinit {
        if let own { try? FileManager.default.removeItem(atPath: own) }
        if lock >= 0 { close(lock) }
    }

    /// A recording holding `bytes`, readable by this user only; `remove()` it after analysis.
    /// - Throws: `internal_error` when it cannot be written (the cause is not told the caller).
    func write(_ bytes: [UInt8]) throws -> Recording {
        guard let own else {
            throw Problem(.internalServerError, code: .internalError, detail: "the recording could not be staged")
        }
        let path = (own as NSString).appendingPathComponent(RandomToken.hex(bytes: 12) + ".rec")
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw Problem(.internalServerError, code: .internalError, detail: "the recording could not be staged")
        }
        let recording = Recording(path: path)
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        do {
            try handle.write(contentsOf: bytes)
            try handle.close()
        } catch {
            recording.remove()
            throw Problem(.internalServerError, code: .internalError, detail: "the recording could not be staged")
        }
        return recording
    }

    /// One staged recording.
    struct Recording: Sendable {
        let path: String

        func remove() { unlink(path) }
    }

    /// Why the root cannot be used.
    struct Failure: Error {
        var message: String
    }

    // MARK: Start-up

    /// Creates `root` 0700 if missing; refuses a symlink, a non-directory or another user's
    /// directory; removes group and other access from ours.
    static func prepare(_ root: String) throws {
        if mkdir(root, 0o700) != 0 && errno != EEXIST {
            throw Failure(message: "recordings_dir \(root) cannot be created: \(String(cString: strerror(errno)))")
        }
        let descriptor = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw Failure(message: "recordings_dir \(root) is not a directory (or is a symlink)")
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw Failure(message: "recordings_dir \(root) is not a directory")
        }
        guard info.st_uid == geteuid() else {
            throw Failure(message: "recordings_dir \(root) belongs to another user (uid \(info.st_uid))")
        }
        if info.st_mode & 0o077 != 0 && fchmod(descriptor, 0o700) != 0 {
            throw Failure(message: "recordings_dir \(root) is open to other users and cannot be made private")
        }
    }

    /// Removes what a server that is gone left in `root`; a live server's subdirectory stays.
    ///
    /// Only what this type makes is touched (`<pid>-<hex>` and `.staging-<pid>-<hex>`
    /// subdirectories, `*.rec` files), so a root pointed at a directory holding other files
    /// loses none of them.
    static func sweep(_ root: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root) else { return }
        for name in names {
            let path = (root as NSString).appendingPathComponent(name)
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            guard (info.st_mode & S_IFMT) == S_IFDIR else {
                // A recording outside any subdirectory (or a link named like one) is a leftover too.
                if name.hasSuffix(".rec") { unlink(path) }
                continue
            }
            let staging = name.hasPrefix(stagingPrefix)
            guard isInstanceName(staging ? String(name.dropFirst(stagingPrefix.count)) : name) else { continue }
            if staging {
                // Being set up right now, or left by a crash mid-setup (no recording yet).
                let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
                guard let modified, Date().timeIntervalSince(modified) > stagingGrace else { continue }
            }
            let lockPath = (path as NSString).appendingPathComponent("lock")
            let descriptor = open(lockPath, O_RDWR | O_NOFOLLOW | O_CLOEXEC)
            if descriptor >= 0 {
                defer { close(descriptor) }
                // Held: its server is alive.
                guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { continue }
            }
            // Free, or missing (a placed subdirectory always has its lock): its server is gone.
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    static let stagingPrefix = ".staging-"

    /// `<pid>-<hex>`, the name `claim` gives a subdirectory.
    static func isInstanceName(_ name: String) -> Bool {
        let parts = name.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let pid = parts.first, let suffix = parts.last else { return false }
        return !pid.isEmpty && pid.allSatisfy(\.isASCII) && pid.allSatisfy(\.isNumber) && !suffix.isEmpty
            && suffix.allSatisfy { $0.isHexDigit && $0.isASCII }
    }

    /// A new subdirectory of `root`, locked by the returned descriptor.
    static func claim(in root: String) throws -> (String, Int32) {
        let name = "\(getpid())-\(RandomToken.hex(bytes: 8))"
        let staging = (root as NSString).appendingPathComponent(stagingPrefix + name)
        let final = (root as NSString).appendingPathComponent(name)
        guard mkdir(staging, 0o700) == 0 else {
            throw Failure(message: "recordings_dir \(root) is not writable: \(String(cString: strerror(errno)))")
        }
        let lockPath = (staging as NSString).appendingPathComponent("lock")
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0, flock(descriptor, LOCK_EX | LOCK_NB) == 0, rename(staging, final) == 0 else {
            let reason = String(cString: strerror(errno))
            if descriptor >= 0 { close(descriptor) }
            try? FileManager.default.removeItem(atPath: staging)
            throw Failure(message: "recordings_dir \(root): cannot set up a locked subdirectory: \(reason)")
        }
        return (final, descriptor)
    }
}

extension ServiceConfiguration {
    /// Why the recordings directory cannot be used (a symlink, another user's, not creatable),
    /// or nil when it can; `likeness serve` checks it before it listens.
    public func recordingsDirectoryProblem() -> String? {
        do {
            try RecordingsDirectory.prepare(recordingsDir ?? RecordingsDirectory.defaultRoot)
            return nil
        } catch let failure as RecordingsDirectory.Failure {
            return failure.message
        } catch {
            return "\(error)"
        }
    }
}
