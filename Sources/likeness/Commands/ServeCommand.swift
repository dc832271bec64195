import ArgumentParser
import Foundation
import Service

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP API (so far: /healthz, /readyz, /v1/detect, /v1/verify).",
        discussion:
            "Errors are RFC 9457 application/problem+json with a stable code. Stops cleanly on SIGINT or SIGTERM.")

    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port: Int = 8080

    @Option(help: "Largest request body in bytes.")
    var maxBodyBytes: Int = 20_000_000

    @OptionGroup var pipeline: PipelineOptions

    func validate() throws {
        guard (1...65_535).contains(port) else { throw ValidationError("--port must be in 1...65535") }
        guard (1_000...200_000_000).contains(maxBodyBytes) else {
            throw ValidationError("--max-body-bytes must be in 1000...200000000")
        }
    }

    func run() async throws {
        var configuration = ServiceConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.maxBodyBytes = maxBodyBytes
        let analyzer = try pipeline.makeAnalyzer()
        try await analyzer.warmUp()
        try await buildApplication(configuration: configuration, analyzer: analyzer).runService()
    }
}
