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
        let stderr: Pipe
    }

    func start(_ extra: [String] = []) throws -> Server {
        try Fixtures.requireModels()
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("likeness-serve-\(UUID())")
        let created = try CLITests().likeness("keys", "create", "--data", data.path, "--tenant", "t", "--json")
        #expect(created.status == 0, "\(created)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: Any])
        let key = try #require(object["secret"] as? String)
        let port = LoopbackHTTP.freePort()
        let process = Process()
        process.executableURL = CLITests.binary
        process.arguments = ["serve", "--data", data.path, "--port", String(port), "--workers", "1"] + extra
        process.currentDirectoryURL = Fixtures.repositoryRoot
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        for _ in 0..<240 {
            if let connection = try? LoopbackHTTP(port: port) {
                connection.send("GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n")
                if connection.response().hasPrefix("HTTP/1.1 200") {
                    return Server(process: process, port: port, key: key, data: data, stderr: stderr)
                }
            }
            usleep(250_000)
        }
        process.terminate()
        throw FixtureMissing("likeness serve did not become ready on port \(port)")
    }

    func stop(_ server: Server) {
        if server.process.isRunning { server.process.terminate() }
        server.process.waitUntilExit()
        try? FileManager.default.removeItem(at: server.data)
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
        usleep(300_000)
        kill(server.process.processIdentifier, SIGTERM)
        usleep(300_000)
        connection.send(Array(body.dropFirst(body.count / 2)))
        let response = connection.response()
        #expect(response.hasPrefix("HTTP/1.1 200"), "\(response.prefix(300))")
        #expect(response.contains(#""decision":"match""#))
        server.process.waitUntilExit()
        #expect(server.process.terminationStatus == 0)
        let log = String(decoding: readAll(server.stderr.fileHandleForReading.fileDescriptor), as: UTF8.self)
        #expect(log.contains("stopped; requests in flight finished"), "\(log)")
        // No new connections after the stop.
        #expect((try? LoopbackHTTP(port: server.port)) == nil)
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
}
