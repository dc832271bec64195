import Foundation
import PostgresNIO

extension PostgresStore {
    /// Rewrites the tables that held the erased data, so deleted rows leave the table files.
    ///
    /// A DELETE or UPDATE in PostgreSQL only marks the old row versions dead; their bytes stay in
    /// the table's pages until the space is reused. `VACUUM FULL` copies the live rows into new
    /// files and removes the old ones. It cannot run in a transaction, needs the tables' owner,
    /// and holds an exclusive lock on each table while it rewrites it (readers wait).
    ///
    /// A deleted row that a transaction begun before the delete could still see is kept: compact
    /// once long-running transactions on the database have ended.
    ///
    /// What it cannot reach: the write-ahead log still holds the original inserts until its
    /// segments are recycled and overwritten, and so do WAL archives, base backups and replicas
    /// made in the meantime, and the file system may keep the freed blocks of the old files.
    /// Those copies expire only through the deployment's backup and WAL retention policy.
    public func compact() async throws {
        do {
            // Not in a transaction: VACUUM refuses to run inside one.
            _ = try await client.query("VACUUM FULL template, consent, subject", logger: PostgresStore.queryLogger)
                .collect()
        } catch {
            throw failure("compacting the database", error)
        }
    }
}
