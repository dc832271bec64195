import ArgumentParser
import Foundation
import Gallery
import Logging

/// Where the gallery is stored: the data directory, the database and the master key, with the
/// logging options. `serve` takes these alone (a server has no tenant or actor of its own: each
/// request's API key names them); the other gallery commands take them through `GalleryOptions`.
struct StoreOptions: ParsableArguments {
    /// `--verbose`, `--log-level`, `--log-format`: every gallery command has them.
    @OptionGroup var logging: LoggingOptions

    @Option(help: "Data directory with gallery.sqlite and master.key (default: $LIKENESS_DATA or ./data).")
    var data: String?

    @Option(
        help: ArgumentHelp(
            "PostgreSQL database for the records, postgres://user:password@host:port/database (default: $LIKENESS_DATABASE_URL, else gallery.sqlite in the data directory; the master key stays in the data directory).",
            valueName: "url"))
    var database: String?

    @Option(
        help: ArgumentHelp(
            "The master key file (default: $LIKENESS_MASTER_KEY_FILE, else master.key in the data directory; $LIKENESS_MASTER_KEY holds the key itself instead).",
            valueName: "file"))
    var masterKey: String?

    var directory: URL {
        URL(fileURLWithPath: data ?? ProcessInfo.processInfo.environment["LIKENESS_DATA"] ?? "data")
    }

    /// The PostgreSQL URL, or nil for the SQLite file; an empty variable counts as unset.
    var databaseURL: String? {
        let url = database ?? ProcessInfo.processInfo.environment["LIKENESS_DATABASE_URL"]
        return url?.isEmpty == false ? url : nil
    }

    /// The master key file, or nil for master.key in the data directory.
    var keyFile: URL? {
        let path = masterKey ?? ProcessInfo.processInfo.environment["LIKENESS_MASTER_KEY_FILE"]
        return path.flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
    }

    func validate() throws {
        if let url = databaseURL, !PostgresLocation.isPostgresURL(url) {
            throw ValidationError(
                "--database (or $LIKENESS_DATABASE_URL) takes a postgres:// URL; without it the gallery is gallery.sqlite in the data directory"
            )
        }
    }

    /// The redacted store: `sqlite:<path>`, or the PostgreSQL URL without its password.
    var storeDescription: String {
        guard let url = databaseURL else { return "sqlite:" + directory.appendingPathComponent("gallery.sqlite").path }
        return (try? PostgresLocation(url: url).redacted) ?? "postgres (unparsable URL)"
    }

    /// Opens the gallery; logging is installed first (a no-op handler without `--verbose`), so
    /// the store's connection problems reach stderr only when asked for. `actor` is who the
    /// audit trail names for what the gallery itself records.
    func open(actor: String? = nil, requireConsent: Bool = true) async throws -> Gallery {
        try logging.bootstrap()
        var configuration = GalleryConfiguration()
        // Made after the bootstrap, so it writes through the handler just installed.
        configuration.logger = Logger(label: "likeness.gallery")
        configuration.requireConsent = requireConsent
        configuration.actor = actor ?? "cli:\(ProcessInfo.processInfo.environment["USER"] ?? "unknown")"
        return try await Gallery.open(
            directory: directory, configuration: configuration, databaseURL: databaseURL, keyFile: keyFile)
    }
}
