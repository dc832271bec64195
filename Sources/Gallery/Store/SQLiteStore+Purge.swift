import Foundation
import GRDB

extension SQLiteStore {
    /// How long the checkpoint of `purgeErased` waits for other processes' writers and readers.
    ///
    /// A TRUNCATE checkpoint holds SQLite's write lock while it waits for readers of an older
    /// snapshot, so waiting with the store's usual busy timeout (a minute) would stop every
    /// writer for that long. A short wait, and a purge reported unfinished, is better: the
    /// purger tries again later.
    static let purgeCheckpointWait = 100  // milliseconds

    /// Makes erased templates unreadable from the files, then records `purged_at`.
    ///
    /// `secure_delete` has already zeroed the deleted cells (and whole pages put on the
    /// freelist) in the pages that the deleting transaction wrote; those pages are in the WAL
    /// until a checkpoint copies them into the database file, and the WAL also still holds the
    /// frames of the original inserts. A TRUNCATE checkpoint copies every frame and empties the
    /// WAL file, after which neither file holds the bytes. It fails (busy) when a reader still
    /// uses an older snapshot, or another process holds the write lock: nothing is marked then,
    /// and the result is false.
    ///
    /// Under the writer lock, like `transaction`: no transaction of this process is open on the
    /// writer connection meanwhile. The subjects marked are those erased at or before the time
    /// taken at the start: an erasure takes its time inside its transaction, after BEGIN
    /// IMMEDIATE, so one that is not yet committed either holds the write lock (and the
    /// checkpoint reports busy) or begins after the checkpoint, with a later time.
    public func purgeErased() async throws -> Bool {
        try await writerLock.withLock {
            try await self.access("purging erased subjects") { db in
                guard !db.isInsideTransaction else {
                    throw GalleryError(.storeFailure, "a transaction is open on the writer connection")
                }
                let start = Date().storeMilliseconds
                guard
                    try Bool.fetchOne(
                        db,
                        sql: """
                            SELECT EXISTS (SELECT 1 FROM subject WHERE erased_at <= ? AND purged_at IS NULL)
                                OR EXISTS (SELECT 1 FROM face_erasure WHERE erased_at <= ? AND purged_at IS NULL)
                            """,
                        arguments: [start, start]) ?? false
                else { return try SQLiteStore.allErasedPurged(db) }
                let checkpoint = try SQLiteStore.truncatingCheckpoint(db)
                guard checkpoint.busy == 0 else { return false }
                try db.execute(
                    sql: "UPDATE subject SET purged_at = ? WHERE erased_at <= ? AND purged_at IS NULL",
                    arguments: [start, start])
                try db.execute(
                    sql: "UPDATE face_erasure SET purged_at = ? WHERE erased_at <= ? AND purged_at IS NULL",
                    arguments: [start, start])
                return try SQLiteStore.allErasedPurged(db)
            }
        }
    }

    /// `PRAGMA wal_checkpoint(TRUNCATE)` with a short busy timeout, the connection's own
    /// restored afterwards whatever happens.
    static func truncatingCheckpoint(_ db: Database) throws -> (busy: Int, log: Int, checkpointed: Int) {
        let usual = try Int.fetchOne(db, sql: "PRAGMA busy_timeout") ?? 0
        try db.execute(sql: "PRAGMA busy_timeout = \(purgeCheckpointWait)")
        defer { try? db.execute(sql: "PRAGMA busy_timeout = \(usual)") }
        guard let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") else {
            throw GalleryError(.storeFailure, "the WAL checkpoint returned no row")
        }
        return (row[0], row[1], row[2])
    }

    /// Whether no erased subject (or face erased on its own) is waiting to be purged.
    static func allErasedPurged(_ db: Database) throws -> Bool {
        let sql = """
            SELECT NOT EXISTS (SELECT 1 FROM subject WHERE erased_at IS NOT NULL AND purged_at IS NULL)
                AND NOT EXISTS (SELECT 1 FROM face_erasure WHERE purged_at IS NULL)
            """
        return try Bool.fetchOne(db, sql: sql) ?? false
    }
}
