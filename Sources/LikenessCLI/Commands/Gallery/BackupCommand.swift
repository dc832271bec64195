import ArgumentParser
import Foundation
import Gallery
import Logging
import Workflows

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the SQLite gallery to a new file, consistently, while servers go on writing it.",
        discussion: """
            The copy is one snapshot of the database (SQLite's VACUUM INTO), written as a fresh, \
            compact file: it holds no bytes of rows deleted before it began, erased subjects' \
            templates included. It is created with mode 0600, checked with PRAGMA integrity_check, \
            flushed to disk, and only then appears under its name; an existing file is never \
            replaced. It does not contain the master key, without which its templates and keys \
            cannot be opened: back up the key separately, and keep the two apart. To restore, stop \
            the servers and put the copy in place as gallery.sqlite (docs/deployment.md). A \
            PostgreSQL gallery (--database) is backed up with pg_dump instead.

            Examples:
              likeness backup --data /srv/likeness/data --to /backups/gallery-2026-12-01.sqlite
              likeness backup --to gallery-copy.sqlite --json
            """)

    @Option(help: ArgumentHelp("The file to write; it must not exist.", valueName: "file"))
    var to: String

    @Flag(help: "Print the result as one JSON object.")
    var json = false

    @OptionGroup var gallery: GalleryOptions

    /// What `--json` prints.
    struct Document: Encodable {
        var backup: String
        var source: String
        var bytes: Int64
        var integrity: String
        var subjects: Int
        var templates: Int
        var auditEvents: Int
        var seconds: Double

        enum CodingKeys: String, CodingKey {
            case backup, source, bytes, integrity, subjects, templates, seconds
            case auditEvents = "audit_events"
        }
    }

    func run() async throws {
        try gallery.logging.bootstrap()
        if let url = gallery.databaseURL {
            throw GalleryError(.invalidArgument, Self.postgresAdvice(url: url, file: to))
        }
        let database = gallery.directory.appendingPathComponent("gallery.sqlite").path
        guard FileManager.default.fileExists(atPath: database) else {
            throw CLIError(code: .fileNotFound, message: "no gallery at \(database) (--data names the data directory)")
        }
        let store = try SQLiteStore(path: database, logger: Logger(label: "likeness.gallery"))
        let result: SQLiteBackup
        do {
            result = try await store.backup(to: URL(fileURLWithPath: to))
        } catch {
            await store.close()
            throw error
        }
        await store.close()
        if json {
            try printJSON(
                Document(
                    backup: result.path, source: "sqlite:" + database, bytes: result.bytes,
                    integrity: result.integrity, subjects: result.subjects, templates: result.templates,
                    auditEvents: result.auditEvents, seconds: (result.seconds * 1000).rounded() / 1000))
        } else {
            print(
                "backup of \(database) written to \(result.path) (mode 0600): \(result.bytes) bytes, "
                    + "\(result.subjects) subject(s), \(result.templates) template(s), "
                    + "\(result.auditEvents) audit event(s), integrity \(result.integrity), "
                    + String(format: "%.2f s", result.seconds))
            print("the master key is not in it: back it up separately, and keep the two apart")
        }
    }

    /// The error for a PostgreSQL gallery, with the pg_dump command to run instead (no password).
    static func postgresAdvice(url: String, file: String) -> String {
        let target = (try? PostgresLocation(url: url).redacted) ?? "postgres://USER@HOST:PORT/DATABASE"
        return """
            the gallery is in PostgreSQL; back it up with pg_dump, which copies one consistent \
            snapshot while servers write: pg_dump --format=custom --file '\(file)' '\(target)' \
            (the password from PGPASSWORD or ~/.pgpass); restore with pg_restore --no-owner \
            --dbname 'postgres://USER@HOST:PORT/NEW_DATABASE' '\(file)' (docs/deployment.md)
            """
    }
}
