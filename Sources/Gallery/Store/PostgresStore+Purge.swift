import Foundation
import PostgresNIO

extension PostgresStore {
    /// Removes the dead row versions of erased templates with a plain `VACUUM template`, then
    /// records `purged_at` on the subjects whose erasure had committed before it began.
    ///
    /// A plain VACUUM (not FULL) takes a SHARE UPDATE EXCLUSIVE lock: reads and writes of the
    /// table go on, only another VACUUM or a schema change of it waits. It also vacuums the
    /// table's TOAST relation, which is where a sealed template's bytes are (about 2 KB of
    /// ciphertext does not compress, so it is always stored out of line, in two chunks).
    ///
    /// What it does and does not do to the bytes: the dead versions are gone from the table and
    /// the index (no query, no `pageinspect` of live tuples, can reach them), and their space is
    /// free for new rows, but PostgreSQL does not overwrite freed space: `PageRepairFragmentation`
    /// moves the live tuples together and leaves the rest of the page as it was, so the bytes
    /// stay in the file until new rows are written over them, unless the page was at the end of
    /// the file and VACUUM truncated it. Only `compact()` (VACUUM FULL, exclusive lock) rewrites
    /// the files. See docs/gallery.md.
    ///
    /// A dead version that a snapshot older than the erasure can still see is not removable: the
    /// result is then false and nothing is marked. This is read from the statistics VACUUM
    /// reports for the table and its TOAST relation (`n_dead_tup`: versions it found dead but
    /// could not remove, plus deletes committed since), so it errs on the side of false.
    ///
    /// Needs the table's owner (VACUUM skips, with a warning only, tables it may not vacuum);
    /// that is checked, as is `track_counts`, which the check relies on.
    public func purgeErased() async throws -> Bool {
        let start = Date().storeMilliseconds
        // Committed erasures only (read committed): one whose transaction is still open when
        // this runs is left for the next purge, even if its erased_at is earlier.
        let awaiting = try await rows(
            "listing subjects awaiting purge",
            "SELECT id, erased_at FROM subject WHERE erased_at <= \(start) AND purged_at IS NULL")
        let faces = try await rows(
            "listing faces awaiting purge",
            "SELECT template_id FROM face_erasure WHERE erased_at <= \(start) AND purged_at IS NULL"
        ).map { try $0.value("template_id", as: Int64.self) }
        guard !awaiting.isEmpty || !faces.isEmpty else { return try await allErasedPurged() }
        let ids = try awaiting.map { try $0.value("id", as: Int64.self) }
        let erasedAt = try awaiting.map { try $0.value("erased_at", as: Int64.self) }

        let serverStart =
            try await rows("reading the server's clock", "SELECT clock_timestamp() AS now")
            .first.map { try $0.value("now", as: Date.self) } ?? Date.distantPast
        do {
            // Not in a transaction: VACUUM refuses to run inside one. TRUNCATE false: giving
            // empty pages at the end back to the file system needs a brief ACCESS EXCLUSIVE lock,
            // which blocks every reader of the table and queues behind other nodes' purges.
            _ = try await client.query("VACUUM (TRUNCATE false) template", logger: PostgresStore.queryLogger)
                .collect()
        } catch {
            throw failure("vacuuming the template table", error)
        }
        let relations = try await rows(
            "reading what VACUUM left",
            """
            SELECT s.relname, s.n_dead_tup, coalesce(s.last_vacuum >= \(serverStart), false) AS vacuumed
            FROM pg_class c
            JOIN pg_stat_all_tables s ON s.relid IN (c.oid, nullif(c.reltoastrelid, 0))
            WHERE c.oid = 'template'::regclass
            """)
        var dead: Int64 = 0
        for relation in relations {
            guard try relation.value("vacuumed", as: Bool.self) else {
                throw GalleryError(
                    .storeFailure,
                    "VACUUM did not process \(try relation.value("relname", as: String.self)) on \(location.redacted):"
                        + " the database user must own the table, and track_counts must be on")
            }
            dead += try relation.value("n_dead_tup", as: Int64.self)
        }
        guard !relations.isEmpty, dead == 0 else { return false }

        _ = try await rows(
            "recording the purge",
            """
            UPDATE subject SET purged_at = \(start)
            FROM unnest(\(ids)::bigint[], \(erasedAt)::bigint[]) AS done(id, erased_at)
            WHERE subject.id = done.id AND subject.erased_at = done.erased_at AND subject.purged_at IS NULL
            """)
        _ = try await rows(
            "recording the purge of faces",
            """
            UPDATE face_erasure SET purged_at = \(start)
            WHERE template_id = ANY(\(faces)::bigint[]) AND purged_at IS NULL
            """)
        return try await allErasedPurged()
    }

    /// Whether no erased subject is waiting to be purged.
    private func allErasedPurged() async throws -> Bool {
        try await rows(
            "counting subjects awaiting purge",
            """
            SELECT NOT EXISTS (SELECT 1 FROM subject WHERE erased_at IS NOT NULL AND purged_at IS NULL)
                AND NOT EXISTS (SELECT 1 FROM face_erasure WHERE purged_at IS NULL) AS done
            """
        ).first.map { try $0.value("done", as: Bool.self) } ?? false
    }
}
