import ArgumentParser
import Foundation
import Gallery
import Logging

/// Where the gallery lives and whose part of it a command works on.
struct GalleryOptions: ParsableArguments {
    /// The data directory, database, master key and logging options.
    @OptionGroup var store: StoreOptions

    @Option(help: "Tenant whose subjects the command sees.")
    var tenant: String = "default"

    @Option(help: "Who is acting, as the audit trail records it (default: cli:$USER).")
    var actor: String?

    var logging: LoggingOptions {
        get { store.logging }
        set { store.logging = newValue }
    }
    var data: String? {
        get { store.data }
        set { store.data = newValue }
    }
    var database: String? {
        get { store.database }
        set { store.database = newValue }
    }
    var masterKey: String? {
        get { store.masterKey }
        set { store.masterKey = newValue }
    }
    var directory: URL { store.directory }
    var databaseURL: String? { store.databaseURL }
    var keyFile: URL? { store.keyFile }
    var storeDescription: String { store.storeDescription }

    func validate() throws { try store.validate() }

    /// Opens the gallery, recording `--actor` (else cli:$USER) in the audit trail.
    func open(requireConsent: Bool = true) async throws -> Gallery {
        try await store.open(actor: actor, requireConsent: requireConsent)
    }
}

extension DuplicatePolicy: ExpressibleByArgument {}
