import Foundation
import TestSupport
import Testing

/// `likeness serve` as a process: keys from the CLI, a lying Content-Length, and a graceful stop
/// on SIGTERM that lets the request in flight finish.
@Suite(
    "likeness serve",
    .enabled(if: Fixtures.needsModelsAndData, "models or ../shared/data missing (developer machine): skipped"))
struct ServeCLITests {
    struct Server {
        let process: Process
        let port: Int
        let key: String
        let data: URL
        /// The server's stderr: its log.
        let log: StreamCollector
    }

    /// Starts `likeness serve` on a free port and returns once it answers /readyz: first its
    /// "listening on" log line (written after the models load), then a connection that gets 200.
    func start(_ extra: [String] = []) throws -> Server {
        try Fixtures.requireModels()
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("likeness-serve-\(UUID())")
        let created = try CLITests().likeness("keys", "create", "--data", data.path, "--tenant", "t", "--json")
        #expect(created.status == 0, "\(created)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: Any])
        let key = try #require(object["secret"] as? String)
        return try launch(data: data, key: key, extra)
    }

    /// Starts the server again on the data directory `server` used (which must have stopped).
    func restart(_ server: Server, _ extra: [String] = []) throws -> Server {
        try launch(data: server.data, key: server.key, extra)
    }

    private func launch(data: URL, key: String, _ extra: [String]) throws -> Server {
        let port = LoopbackHTTP.freePort()
        let process = Process()
        process.executableURL = CLITests.binary
        process.arguments = ["serve", "--data", data.path, "--port", String(port), "--workers", "1"] + extra
        process.currentDirectoryURL = Fixtures.repositoryRoot
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let log = StreamCollector(stderr)
        let server = Server(process: process, port: port, key: key, data: data, log: log)
        // The line is logged once the socket is bound; readiness is then a request away.
        let ready =
            log.wait(for: "listening on", timeout: 120)
            && eventually(timeout: 30) {
                guard let connection = try? LoopbackHTTP(port: port) else { return false }
                connection.send("GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n")
                return connection.response().hasPrefix("HTTP/1.1 200")
            }
        guard ready else {
            stop(server)
            throw FixtureMissing("likeness serve did not become ready on port \(port): \(log.text)")
        }
        return server
    }

    func stop(_ server: Server) {
        if server.process.isRunning { server.process.terminate() }
        server.process.waitUntilExit()
        try? FileManager.default.removeItem(at: server.data)
    }

    /// Image requests the server has admitted and not finished, read from /metrics (with the key:
    /// the API port's /metrics needs one), with the whole answer for a failure message.
    func metricsAnswer(_ server: Server) -> (inFlight: Int?, answer: String) {
        guard let connection = try? LoopbackHTTP(port: server.port) else { return (nil, "no connection") }
        connection.send("GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(server.key)\r\n\r\n")
        let answer = connection.response()
        let line = answer.split(separator: "\n").first {
            $0.contains("inference_in_flight") && !$0.hasPrefix("#")
        }
        return (line.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }.map { Int($0) }, answer)
    }

    func verifyBody() throws -> [UInt8] {
        let lfw = Fixtures.lfwImages
        func encoded(_ path: String) throws -> String {
            try Data(contentsOf: lfw.appendingPathComponent(path)).base64EncodedString()
        }
        let body: [String: String] = [
            "first": try encoded("Abdullah_Gul/Abdullah_Gul_0013.jpg"),
            "second": try encoded("Abdullah_Gul/Abdullah_Gul_0014.jpg"),
        ]
        return [UInt8](try JSONSerialization.data(withJSONObject: body))
    }

    @Test("SIGTERM mid-request: the request in flight gets its answer, then the server exits 0")
    func gracefulShutdown() throws {
        let server = try start()
        defer { stop(server) }
        let body = try verifyBody()
        let connection = try LoopbackHTTP(port: server.port)
        connection.send(
            "POST /v1/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Authorization: Bearer \(server.key)\r\nContent-Length: \(body.count)\r\n\r\n")
        connection.send(Array(body.prefix(body.count / 2)))
        // The server has the request once it admitted it (admission happens on the head, before
        // the body is read); only then is the SIGTERM "mid-request".
        var last = (inFlight: Int?.none, answer: "")
        let admitted = eventually(timeout: 30) {
            last = metricsAnswer(server)
            return last.inFlight == 1
        }
        #expect(
            admitted,
            """
            the request never reached the server; the last /metrics answer: \(last.answer.prefix(600))
            the server's log: \(server.log.text.suffix(3000))
            """)
        kill(server.process.processIdentifier, SIGTERM)
        // Shutdown has begun once the listening socket is closed; the rest of the body goes after.
        #expect(
            eventually(timeout: 30) { (try? LoopbackHTTP(port: server.port)) == nil },
            "the server still accepts connections after SIGTERM")
        #expect(server.process.isRunning, "the server exited with a request in flight")
        connection.send(Array(body.dropFirst(body.count / 2)))
        let response = connection.response()
        #expect(response.hasPrefix("HTTP/1.1 200"), "\(response.prefix(300))")
        #expect(response.contains(#""decision":"match""#))
        server.process.waitUntilExit()
        #expect(server.process.terminationStatus == 0)
        let log = server.log.all()
        #expect(log.contains("stopped; requests in flight finished"), "\(log)")
        // No new connections after the stop.
        #expect((try? LoopbackHTTP(port: server.port)) == nil)
    }

    @Test("an overload refusal is answered from the head with Connection: close; new connections are served")
    func overloadRefusal() throws {
        let server = try start(["--max-in-flight", "1", "--max-waiting", "0"])
        defer { stop(server) }
        let body = try verifyBody()
        let head =
            "POST /v1/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + "Authorization: Bearer \(server.key)\r\nContent-Length: \(body.count)\r\n\r\n"
        // The first request holds the one place (half its body sent); the second is refused from
        // its head alone.
        let holder = try LoopbackHTTP(port: server.port)
        holder.send(head)
        holder.send(Array(body.prefix(body.count / 2)))
        #expect(eventually(timeout: 30) { metricsAnswer(server).inFlight == 1 }, "the first request was not admitted")
        let refused = try LoopbackHTTP(port: server.port)
        refused.send(head)
        let answer = refused.response()
        #expect(answer.hasPrefix("HTTP/1.1 503"), "\(answer.prefix(300))")
        #expect(answer.lowercased().contains("connection: close"), "\(answer.prefix(300))")
        #expect(answer.contains(#""code":"overloaded""#))
        // Nothing else waits on the refusal: a new connection is served at once.
        let start = Date()
        let probe = try LoopbackHTTP(port: server.port)
        probe.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(probe.response().hasPrefix("HTTP/1.1 200"))
        #expect(Date().timeIntervalSince(start) < 5)
        holder.send(Array(body.dropFirst(body.count / 2)))
        #expect(holder.response().hasPrefix("HTTP/1.1 200"))
    }

    @Test("settings out of range stop the server at start, naming each; a missing config file is named")
    func badSettings() throws {
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("likeness-config-\(UUID()).json")
        try Data(#"{"port": 0, "default_fmr": 2, "max_in_flight": 5}"#.utf8).write(to: config)
        defer { try? FileManager.default.removeItem(at: config) }
        let bad = try CLITests().likeness("serve", "--config", config.path, "--data", "/tmp/likeness-unused")
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("invalid_config"))
        #expect(bad.stderr.contains("port must be in 1...65535"))
        #expect(bad.stderr.contains("default_fmr must be in (0, 1)"))
        // A flag overrides the file: the port is fixed, the FMR is still wrong.
        let partly = try CLITests().likeness("serve", "--config", config.path, "--port", "8099")
        #expect(partly.status == 2)
        #expect(!partly.stderr.contains("port must be"))
        #expect(partly.stderr.contains("default_fmr"))
        try Data(#"{"prot": 8080}"#.utf8).write(to: config)
        let typo = try CLITests().likeness("serve", "--config", config.path)
        #expect(typo.status == 2)
        #expect(typo.stderr.contains("unknown key(s) prot"), "\(typo.stderr)")
        let missing = try CLITests().likeness("serve", "--config", "/nonexistent/likeness.json")
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("file_not_found"))
    }

    @Test("a body that stalls past the request timeout gets 408 request_timeout")
    func stalledBody() throws {
        let server = try start(["--request-timeout", "1"])
        defer { stop(server) }
        let connection = try LoopbackHTTP(port: server.port)
        connection.send(
            "POST /v1/detect HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Authorization: Bearer \(server.key)\r\nContent-Length: 1000\r\n\r\n{\"image\": \"")
        let start = Date()
        let response = connection.response()
        #expect(response.hasPrefix("HTTP/1.1 408"), "\(response.prefix(300))")
        #expect(response.contains(#""code":"request_timeout""#))
        #expect(Date().timeIntervalSince(start) < 10)
    }

    @Test("a declared Content-Length over the limit is refused at once with 413, without reading the body")
    func hugeDeclaredLength() throws {
        let server = try start()
        defer { stop(server) }
        let connection = try LoopbackHTTP(port: server.port)
        connection.send(
            "POST /v1/detect HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Authorization: Bearer \(server.key)\r\nContent-Length: 99999999999\r\n\r\n{")
        let response = connection.response()
        #expect(response.hasPrefix("HTTP/1.1 413"), "\(response.prefix(300))")
        #expect(response.contains(#""code":"payload_too_large""#))
        // The server keeps serving.
        let next = try LoopbackHTTP(port: server.port)
        next.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(next.response().hasPrefix("HTTP/1.1 200"))
    }

    /// The whole answer on `connection` until the server closes it (or the read times out).
    func everything(_ connection: LoopbackHTTP) -> String {
        var text = ""
        for _ in 0..<5 {
            let more = connection.response()
            if more.isEmpty { break }
            text += more
        }
        return text
    }

    @Test("requests the HTTP parser refuses get a problem+json answer and Connection: close")
    func parserErrors() throws {
        let server = try start()
        defer { stop(server) }
        var bigHeader = Array("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ".utf8)
        bigHeader += [UInt8](repeating: 97, count: 100_000)
        bigHeader += Array("\r\n\r\n".utf8)
        let cases: [(String, [UInt8], String, String)] = [
            ("a garbage request line", Array("GARBAGE\r\n\r\n".utf8), "400", "malformed_request"),
            (
                "a repeated Content-Length",
                Array(
                    "POST /v1/detect HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello".utf8),
                "400", "malformed_request"
            ),
            (
                "a Content-Length that is not a number",
                Array("POST /v1/detect HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n".utf8), "400",
                "malformed_request"
            ),
            (
                "a header line with a space in its name",
                Array("GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n".utf8), "400", "malformed_request"
            ),
            ("a 100 KB header", bigHeader, "431", "headers_too_large"),
        ]
        for (name, request, status, code) in cases {
            let connection = try LoopbackHTTP(port: server.port)
            connection.send(request)
            let response = everything(connection)
            #expect(response.hasPrefix("HTTP/1.1 \(status)"), "\(name): \(response.prefix(300))")
            #expect(response.contains("Content-Type: application/problem+json"), "\(name): \(response.prefix(300))")
            #expect(response.lowercased().contains("connection: close"), "\(name)")
            #expect(response.contains(#""code":"\#(code)""#), "\(name): \(response.prefix(300))")
            #expect(response.contains(#""status":\#(status)"#), "\(name)")
        }
        // After a good request on the same connection: its answer, then the problem.
        let pipelined = try LoopbackHTTP(port: server.port)
        pipelined.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGARBAGE\r\n\r\n")
        let both = everything(pipelined)
        #expect(both.hasPrefix("HTTP/1.1 200"), "\(both.prefix(300))")
        #expect(both.contains(#""code":"malformed_request""#), "\(both)")
        // The server keeps serving.
        let next = try LoopbackHTTP(port: server.port)
        next.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(next.response().hasPrefix("HTTP/1.1 200"))
    }

    @Test("a port already taken: address_in_use, exit 2, and no \"listening\" line")
    func busyPort() throws {
        let server = try start()
        defer { stop(server) }
        let second = try CLITests().likeness(
            "serve", "--data", server.data.path, "--port", String(server.port), "--workers", "1")
        #expect(second.status == 2, "\(second)")
        #expect(
            second.stderr.contains("error: address_in_use: cannot listen on http://127.0.0.1:\(server.port)"),
            "\(second.stderr)")
        #expect(!second.stderr.contains("likeness.serve: listening on"), "\(second.stderr)")
        // The first server is untouched.
        let connection = try LoopbackHTTP(port: server.port)
        connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(connection.response().hasPrefix("HTTP/1.1 200"))
    }

    @Test(
        "--admin-port: per-tenant /metrics, /readyz and /healthz without a key there; the API port's /metrics needs one"
    )
    func adminListener() throws {
        let adminPort = LoopbackHTTP.freePort()
        let server = try start(["--admin-port", String(adminPort)])
        defer { stop(server) }
        #expect(server.log.text.contains("admin listener on http://127.0.0.1:\(adminPort)"), "\(server.log.text)")
        func get(_ port: Int, _ path: String, key: String? = nil) throws -> String {
            let connection = try LoopbackHTTP(port: port)
            let auth = key.map { "Authorization: Bearer \($0)\r\n" } ?? ""
            connection.send("GET \(path) HTTP/1.1\r\nHost: x\r\n\(auth)\r\n")
            return connection.response()
        }
        let adminMetrics = try get(adminPort, "/metrics")
        #expect(adminMetrics.hasPrefix("HTTP/1.1 200"), "\(adminMetrics.prefix(300))")
        #expect(adminMetrics.contains(#"likeness_gallery_templates{tenant="t"} 0"#), "\(adminMetrics)")
        #expect(try get(adminPort, "/readyz").hasPrefix("HTTP/1.1 200"))
        #expect(try get(adminPort, "/healthz").hasPrefix("HTTP/1.1 200"))
        let refused = try get(server.port, "/metrics")
        #expect(refused.hasPrefix("HTTP/1.1 401"), "\(refused.prefix(300))")
        let keyed = try get(server.port, "/metrics", key: server.key)
        #expect(keyed.hasPrefix("HTTP/1.1 200"), "\(keyed.prefix(300))")
        #expect(keyed.contains("likeness_inference_capacity"))
        #expect(!keyed.contains("tenant="), "\(keyed)")
        #expect(try get(server.port, "/readyz").hasPrefix("HTTP/1.1 200"))
    }
}
