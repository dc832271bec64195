import ArgumentParser
import Foundation
import Gallery
import Workflows

struct CompactCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compact",
        abstract: "Rewrite the database files so no byte of deleted rows remains (a maintenance task).",
        discussion: """
            Erasure already makes erased templates unreadable through the database, and on SQLite \
            purges their bytes from the files at once. On PostgreSQL a plain VACUUM frees their \
            space without overwriting it, so the bytes stay in the files until new rows reuse it; \
            this command runs VACUUM FULL, which copies the live rows into new files. It locks \
            each table exclusively while it rewrites it (requests that touch it wait): run it in \
            a maintenance window. On SQLite it runs VACUUM and a WAL checkpoint, under the write \
            lock.

            Example: likeness compact --database postgres://likeness@127.0.0.1/likeness

            Examples:
              likeness compact --data /srv/likeness/data
              likeness compact --database postgres://likeness@db:5432/likeness
            """)

    @OptionGroup var gallery: GalleryOptions

    func run() async throws {
        let store = try await gallery.open()
        let started = ContinuousClock.now
        try await store.compact()
        print("database rewritten in \(String(format: "%.1f", (ContinuousClock.now - started).seconds)) s")
    }
}
