import Foundation
import TestSupport
import Testing

/// `likeness serve` behind a load balancer: SIGTERM withdraws readiness at once and keeps
/// serving for the grace period, so the balancer's health check takes the node out before it stops.
@Suite(
    "likeness serve draining",
    .enabled(if: Fixtures.needsModelsAndData, "models or ../shared/data missing (developer machine): skipped"))
struct ServeDrainTests {
    let serve = ServeCLITests()

    /// The status line of one request on a fresh connection, and the whole response.
    func request(_ port: Int, _ head: String, body: [UInt8] = []) -> (status: Int, text: String)? {
        guard let connection = try? LoopbackHTTP(port: port) else { return nil }
        connection.send(head)
        if !body.isEmpty { connection.send(body) }
        let text = connection.response()
        let status = text.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) }
        return status.map { ($0, text) }
    }

    func get(_ port: Int, _ path: String, key: String? = nil) -> (status: Int, text: String)? {
        let authorization = key.map { "Authorization: Bearer \($0)\r\n" } ?? ""
        return request(port, "GET \(path) HTTP/1.1\r\nHost: x\r\n\(authorization)Connection: close\r\n\r\n")
    }

    @Test("SIGTERM: /readyz turns 503 at once, /healthz and requests are served through the grace period, then exit 0")
    func drainsThenStops() throws {
        let drainSeconds = 6.0
        let server = try serve.start(["--drain-seconds", String(drainSeconds)])
        defer { serve.stop(server) }
        #expect(get(server.port, "/readyz")?.status == 200)
        let body = try serve.verifyBody()

        let signalled = Date()
        kill(server.process.processIdentifier, SIGTERM)
        // Readiness goes first, well inside the grace period.
        #expect(eventually(timeout: 2) { get(server.port, "/readyz")?.status == 503 }, "\(server.log.text)")
        let readiness = get(server.port, "/readyz")
        #expect(readiness?.text.contains(#""code":"not_ready""#) == true, "\(readiness?.text ?? "no answer")")
        // Everything else is still served, on new connections.
        #expect(get(server.port, "/healthz")?.status == 200)
        #expect(get(server.port, "/v1/subjects/nobody-here", key: server.key)?.status == 404)
        let verify = request(
            server.port,
            "POST /v1/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Authorization: Bearer \(server.key)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n",
            body: body)
        #expect(verify?.status == 200, "\(verify?.text.prefix(300) ?? "no answer")")
        #expect(verify?.text.contains(#""decision":"match""#) == true)
        let servedWithin = Date().timeIntervalSince(signalled)
        #expect(servedWithin < drainSeconds, "the checks took \(servedWithin) s, past the grace period")
        #expect(server.process.isRunning, "the server stopped before its grace period ended")
        #expect(get(server.port, "/healthz")?.status == 200)

        // Then it stops by itself: the socket closes and the process exits 0.
        #expect(
            eventually(timeout: drainSeconds + 30) { !server.process.isRunning },
            "the server did not stop after its grace period")
        server.process.waitUntilExit()
        let stoppedAfter = Date().timeIntervalSince(signalled)
        #expect(server.process.terminationStatus == 0)
        #expect(stoppedAfter >= drainSeconds - 0.5, "stopped after \(stoppedAfter) s, before the grace period ended")
        #expect((try? LoopbackHTTP(port: server.port)) == nil)
        let log = server.log.all()
        #expect(log.contains("SIGTERM: draining"), "\(log)")
        #expect(log.contains("stopped; requests in flight finished"), "\(log)")
    }

    @Test("a second SIGTERM during the grace period stops the server at once")
    func secondSignalStopsAtOnce() throws {
        let server = try serve.start(["--drain-seconds", "120"])
        defer { serve.stop(server) }
        kill(server.process.processIdentifier, SIGTERM)
        #expect(eventually(timeout: 5) { get(server.port, "/readyz")?.status == 503 })
        let second = Date()
        kill(server.process.processIdentifier, SIGTERM)
        #expect(eventually(timeout: 30) { !server.process.isRunning }, "the second SIGTERM did not stop the server")
        server.process.waitUntilExit()
        #expect(server.process.terminationStatus == 0)
        #expect(Date().timeIntervalSince(second) < 30)
    }

    @Test("SIGINT stops at once, without the grace period; a bad --drain-seconds stops the server at start")
    func interruptAndBadSetting() throws {
        let server = try serve.start(["--drain-seconds", "120"])
        defer { serve.stop(server) }
        let interrupted = Date()
        kill(server.process.processIdentifier, SIGINT)
        #expect(eventually(timeout: 30) { !server.process.isRunning })
        server.process.waitUntilExit()
        #expect(server.process.terminationStatus == 0)
        #expect(Date().timeIntervalSince(interrupted) < 30)

        let bad = try CLITests().likeness("serve", "--drain-seconds=-1", "--data", "/tmp/likeness-unused")
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("invalid_config"), "\(bad.stderr)")
        #expect(bad.stderr.contains("drain_seconds must be in 0...3600"), "\(bad.stderr)")
    }
}
