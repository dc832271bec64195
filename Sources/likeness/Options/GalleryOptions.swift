import ArgumentParser
import Foundation
import Gallery

/// Where the gallery lives and whose part of it a command works on.
struct GalleryOptions: ParsableArguments {
    @Option(help: "Data directory with gallery.sqlite and master.key (default: $LIKENESS_DATA or ./data).")
    var data: String?

    @Option(help: "Tenant whose subjects the command sees.")
    var tenant: String = "default"

    @Option(help: "Who is acting, as the audit trail records it (default: cli:$USER).")
    var actor: String?

    var directory: URL {
        URL(fileURLWithPath: data ?? ProcessInfo.processInfo.environment["LIKENESS_DATA"] ?? "data")
    }

    func open(requireConsent: Bool = true) async throws -> Gallery {
        var configuration = GalleryConfiguration()
        configuration.requireConsent = requireConsent
        configuration.actor = actor ?? "cli:\(ProcessInfo.processInfo.environment["USER"] ?? "unknown")"
        return try await Gallery.open(directory: directory, configuration: configuration)
    }
}

extension DuplicatePolicy: ExpressibleByArgument {}
