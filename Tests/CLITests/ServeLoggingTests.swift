import Foundation
import TestSupport
import Testing

/// What `likeness` writes to stderr as logs: `serve` always, other commands only with `--verbose`.
@Suite(
    "likeness logs",
    .enabled(if: Fixtures.needsModelsAndData, "models or ../shared/data missing (developer machine): skipped"))
struct ServeLoggingTests {
    @Test("serve --log-format json: start-up, one line per request with the client's id, shutdown; no key")
    func serveJSONLog() throws {
        let serve = ServeCLITests()
        let server = try serve.start(["--log-format", "json"])
        let connection = try LoopbackHTTP(port: server.port)
        connection.send(
            "GET /v1/subjects/nobody-here HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(server.key)\r\n"
                + "X-Request-Id: cli-log-1\r\n\r\n")
        let response = connection.response()
        #expect(response.hasPrefix("HTTP/1.1 404"), "\(response.prefix(300))")
        #expect(response.lowercased().contains("x-request-id: cli-log-1"), "\(response.prefix(300))")
        serve.stop(server)
        #expect(server.process.terminationStatus == 0)
        let log = server.log.all()
        #expect(!log.contains(server.key), "the API key leaked")

        var objects: [[String: Any]] = []
        for line in log.split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            let parsed = try #require(object, "not one JSON object: \(line)")
            #expect(Set(parsed.keys).isSuperset(of: ["time", "level", "label", "message", "metadata"]), "\(line)")
            objects.append(parsed)
        }
        func metadata(_ object: [String: Any]) -> [String: Any] { object["metadata"] as? [String: Any] ?? [:] }
        let start = try #require(objects.first { ($0["message"] as? String)?.hasPrefix("listening on") == true })
        #expect(metadata(start)["model_pack"] as? String != nil)
        #expect((metadata(start)["store"] as? String)?.hasPrefix("sqlite:") == true)
        let requests = objects.filter { metadata($0)["http.route"] as? String == "/v1/subjects/{id}" }
        #expect(requests.count == 1, "\(log)")
        #expect(requests.first.map { metadata($0)["hb.request.id"] as? String } == "cli-log-1")
        #expect(requests.first.map { metadata($0)["http.status"] as? String } == "404")
        #expect(requests.first?["level"] as? String == "info")
        #expect(!log.contains("nobody-here"), "the raw path leaked")
        #expect(objects.contains { $0["message"] as? String == "stopped; requests in flight finished" }, "\(log)")
    }

    @Test("other commands log only with --verbose; a store's connection failure is logged without the password")
    func verboseOnly() throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("likeness-verbose-\(UUID())")
        defer { try? FileManager.default.removeItem(at: data) }
        // Nothing listens on port 1: the store cannot connect.
        let url = "postgres://likeness:hunter2-secret@127.0.0.1:1/likeness"
        let quiet = try CLITests().likeness("keys", "list", "--data", data.path, "--database", url)
        #expect(quiet.status == 2, "\(quiet)")
        #expect(quiet.stderr.hasPrefix("error: "), "\(quiet.stderr)")
        #expect(!quiet.stderr.contains("likeness.gallery"), "logged without --verbose: \(quiet.stderr)")
        let verbose = try CLITests().likeness(
            "keys", "list", "--data", data.path, "--database", url, "--verbose", "--log-format", "json")
        #expect(verbose.status == 2, "\(verbose)")
        #expect(verbose.stderr.contains(#""label":"likeness.gallery""#), "\(verbose.stderr)")
        #expect(verbose.stderr.contains(#""level":"error""#), "\(verbose.stderr)")
        #expect(!verbose.stderr.contains("hunter2-secret"), "the database password leaked: \(verbose.stderr)")
        #expect(verbose.stdout.isEmpty, "logs must not reach stdout: \(verbose.stdout)")
    }
}
