import Foundation
import GRDB
import Logging

/// The default store: one SQLite file in WAL mode (one writer, concurrent readers).
///
/// Commits are synchronous (`synchronous=FULL`): an acknowledged write survives a crash of the
/// process or of the machine. `secure_delete` overwrites deleted rows, so erased templates do
/// not linger in free pages.
public final class SQLiteStore: GalleryStore {
    let pool: DatabasePool
    public let path: String
    /// Serialises the transactions of every store on this file in this process: each spans
    /// several awaits on one writer connection, and SQLite's busy handler is not fair among
    /// waiters, so writers of one process queue here in arrival order (other processes wait on
    /// SQLite's own lock, taken by BEGIN IMMEDIATE).
    let writerLock: WriterLock

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    ///
    /// - Throws: `store_error` when the file cannot be opened or was written by a newer version.
    public init(path: String, logger: Logger = Logger(label: "likeness.gallery")) throws {
        writerLock = WriterLock.shared(for: path)
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        // Another process's transaction holds the write lock across several statements (see
        // `transaction`), and SQLite's busy handler is not fair among waiters: wait long.
        configuration.busyMode = .timeout(60)
        // A transaction spans several writer accesses (see `transaction`), so it must be allowed
        // to stay open between them.
        configuration.allowsUnsafeTransactions = true
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try pool.read { db in try SQLiteStore.refuseNewerSchema(db) }
            try SQLiteStore.migrator.migrate(pool)
        } catch let error as GalleryError {
            logger.error(
                "cannot open the SQLite database", metadata: ["path": "\(path)", "reason": "\(error.message)"])
            throw error
        } catch {
            logger.error("cannot open the SQLite database", metadata: ["path": "\(path)", "reason": "\(error)"])
            throw GalleryError(.storeFailure, "cannot open the database \(path): \(error)")
        }
        self.path = path
    }

    /// BEGIN IMMEDIATE, `body`, COMMIT; ROLLBACK when anything throws.
    ///
    /// GRDB's accesses are synchronous closures, and `body` is async, so the transaction is
    /// opened in one writer access and committed in a later one, with each primitive in between
    /// (`allowsUnsafeTransactions`). The writer lock keeps this store's other transactions out
    /// meanwhile; IMMEDIATE takes SQLite's write lock at once, so other processes wait for the
    /// whole transaction, never read-then-write into a conflict.
    public func transaction<T: Sendable>(_ body: @Sendable (any StoreTransaction) async throws -> T)
        async throws -> T
    {
        try await writerLock.withLock {
            try await self.access("beginning a transaction") { db in try db.execute(sql: "BEGIN IMMEDIATE") }
            do {
                let value = try await body(SQLiteTransaction(store: self))
                try await self.access("committing") { db in try db.execute(sql: "COMMIT") }
                return value
            } catch {
                await self.rollback()
                throw error
            }
        }
    }

    /// Rolls back the open transaction, if SQLite has not already done so.
    ///
    /// In a task of its own: GRDB refuses to start an access in a cancelled task, and a
    /// cancelled enrolment must still leave the writer connection clean for the next one.
    private func rollback() async {
        let pool = pool
        await Task {
            try? await pool.writeWithoutTransaction { db in
                if db.isInsideTransaction { try db.execute(sql: "ROLLBACK") }
            }
        }.value
    }

    /// One access to the writer connection, inside the caller's transaction.
    func access<T: Sendable>(_ what: String, _ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        do {
            return try await pool.writeWithoutTransaction(body)
        } catch let error as GalleryError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw GalleryError(.storeFailure, "\(what) failed: \(error)")
        }
    }

    func read<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch let error as GalleryError {
            throw error
        } catch {
            throw GalleryError(.storeFailure, "database read failed: \(error)")
        }
    }

    public func compact() async throws {
        do {
            // Under the writer lock: VACUUM cannot run while a transaction of ours is open.
            try await writerLock.withLock {
                try await self.pool.barrierWriteWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
                    try db.execute(sql: "VACUUM")
                    try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
                }
            }
        } catch {
            throw GalleryError(.storeFailure, "compacting the database failed: \(error)")
        }
    }

    /// Closes the database's connections; the store cannot be used afterwards.
    public func close() async {
        // GRDB's close waits, blocking, for every reader to finish: on Swift's cooperative pool
        // (one thread per core) two closes at once could block every thread the readers need.
        try? await writerLock.withLock {
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                DispatchQueue.global().async {
                    try? self.pool.close()
                    done.resume()
                }
            }
        }
    }
}
