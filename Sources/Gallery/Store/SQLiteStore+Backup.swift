import Foundation
import GRDB

/// What `SQLiteStore.backup(to:)` wrote.
public struct SQLiteBackup: Sendable, Equatable {
    /// The backup file.
    public var path: String
    /// Its size.
    public var bytes: Int64
    /// `PRAGMA integrity_check` of the copy: `ok`.
    public var integrity: String
    /// Rows in the copy: subjects (erased ones included), templates, audit events.
    public var subjects: Int
    public var templates: Int
    public var auditEvents: Int
    /// How long the copy took.
    public var seconds: Double
}

extension SQLiteStore {
    /// Writes a consistent copy of the database to `destination` while other connections and
    /// processes go on reading and writing it.
    ///
    /// `VACUUM INTO` on a read connection: the copy is the snapshot of one read transaction (the
    /// last commit before it began), writers are never blocked (WAL mode), and the output is a
    /// freshly built, compact file, so it holds no free pages and no bytes of deleted rows (an
    /// erased subject's templates are not in it, whatever the source's free pages hold). The copy
    /// is written to a private temporary file beside `destination` (mode 0600), checked with
    /// `PRAGMA integrity_check`, flushed to disk, and only then linked in place: `destination`
    /// appears complete or not at all, and an existing file is never replaced.
    ///
    /// The copy holds the templates sealed and the keys wrapped, as the database does; it is no
    /// use without the master key, which is not in it (back that up separately, elsewhere).
    ///
    /// - Throws: `already_exists` when `destination` exists; `store_error` when the copy fails.
    public func backup(to destination: URL) async throws -> SQLiteBackup {
        let started = ContinuousClock.now
        let final = destination.standardizedFileURL.path
        var status = stat()
        if lstat(final, &status) == 0 {
            throw GalleryError(.alreadyExists, "\(final) exists; a backup never replaces a file")
        }
        let directory = (final as NSString).deletingLastPathComponent
        let name = (final as NSString).lastPathComponent
        let partial = (directory as NSString).appendingPathComponent(
            ".\(name).partial-\(UInt64.random(in: 0...UInt64.max))")
        // Created empty and private first: VACUUM INTO writes into an existing empty file and
        // keeps its mode.
        let descriptor = open(partial, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw GalleryError(
                .storeFailure, "cannot create a file in \(directory): \(String(cString: strerror(errno)))")
        }
        Foundation.close(descriptor)
        var published = false
        defer { if !published { unlink(partial) } }
        do {
            // Outside any transaction of GRDB's (VACUUM refuses to run inside one); the statement
            // reads one snapshot of its own.
            try await pool.unsafeRead { db in try db.execute(sql: "VACUUM INTO ?", arguments: [partial]) }
        } catch {
            throw GalleryError(.storeFailure, "copying \(path) failed: \(error)")
        }
        let (integrity, counts) = try Self.inspect(copyAt: partial)
        guard integrity == "ok" else {
            throw GalleryError(.storeFailure, "the copy of \(path) failed its integrity check: \(integrity)")
        }
        try Self.flush(partial)
        // link(2) fails if the name exists by now: no overwrite, even in a race.
        guard link(partial, final) == 0 else {
            let reason = errno == EEXIST ? "it exists" : String(cString: strerror(errno))
            throw GalleryError(errno == EEXIST ? .alreadyExists : .storeFailure, "cannot create \(final): \(reason)")
        }
        published = true
        unlink(partial)
        try Self.flush(directory)
        let size = (try? FileManager.default.attributesOfItem(atPath: final)[.size] as? NSNumber)?.int64Value ?? 0
        let elapsed = ContinuousClock.now - started
        return SQLiteBackup(
            path: final, bytes: size, integrity: integrity, subjects: counts.subjects, templates: counts.templates,
            auditEvents: counts.auditEvents,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    /// The copy's `integrity_check` answer and its row counts, read through a connection of its own.
    static func inspect(copyAt path: String) throws -> (String, (subjects: Int, templates: Int, auditEvents: Int)) {
        var configuration = Configuration()
        configuration.readonly = true
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            return try queue.read { db in
                let answers = try String.fetchAll(db, sql: "PRAGMA integrity_check")
                let subjects = try Int.fetchOne(db, sql: "SELECT count(*) FROM subject") ?? 0
                let templates = try Int.fetchOne(db, sql: "SELECT count(*) FROM template") ?? 0
                let events = try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_event") ?? 0
                return (answers.joined(separator: "; "), (subjects, templates, events))
            }
        } catch {
            throw GalleryError(.storeFailure, "cannot read the copy \(path): \(error)")
        }
    }

    /// fsync(2) of a file or a directory.
    static func flush(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw GalleryError(.storeFailure, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { Foundation.close(descriptor) }
        guard fsync(descriptor) == 0 else {
            throw GalleryError(.storeFailure, "cannot flush \(path): \(String(cString: strerror(errno)))")
        }
    }
}
