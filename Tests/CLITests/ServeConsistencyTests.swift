import Foundation
import TestSupport
import Testing

/// The operator's two scenarios: `likeness serve` running on a data directory while the CLI
/// erases a subject or rotates keys on the same directory.
@Suite(
    "likeness serve and the CLI on one data directory",
    .enabled(if: Fixtures.needsModelsAndData, "models or ../shared/data missing (developer machine): skipped"))
struct ServeConsistencyTests {
    let serve = ServeCLITests()
    static let samples = Fixtures.modelsDirectory.appendingPathComponent("samples")

    /// One JSON request on a connection of its own; the status and the decoded body.
    func call(_ server: ServeCLITests.Server, _ method: String, _ path: String, _ body: [String: Any]? = nil)
        throws -> (status: Int, body: [String: Any])
    {
        let payload = try body.map { [UInt8](try JSONSerialization.data(withJSONObject: $0)) } ?? []
        let connection = try LoopbackHTTP(port: server.port)
        connection.send(
            "\(method) \(path) HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n"
                + "Authorization: Bearer \(server.key)\r\nContent-Length: \(payload.count)\r\n\r\n")
        connection.send(payload)
        let response = connection.response()
        let status = Int(response.split(separator: " ").dropFirst().first ?? "") ?? 0
        let text = response.range(of: "\r\n\r\n").map { String(response[$0.upperBound...]) } ?? ""
        let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
        return (status, object)
    }

    /// A sample photo by name, or an LFW photo by its path under the images (`Person/Person_0001.jpg`).
    func image(_ name: String) throws -> String {
        try Data(contentsOf: Self.path(name)).base64EncodedString()
    }

    static func path(_ name: String) -> URL {
        name.contains("/") ? Fixtures.lfwImages.appendingPathComponent(name) : samples.appendingPathComponent(name)
    }

    static let aaron = "Aaron_Guiel/Aaron_Guiel_0001.jpg"
    static let adriana = "Adriana_Lima/Adriana_Lima_0001.jpg"

    func enroll(_ server: ServeCLITests.Server, _ subject: String, _ photo: String) throws {
        let consent = try call(
            server, "POST", "/v1/subjects/\(subject)/consents",
            ["purpose": "identity_verification", "text_version": "v1", "text": "I agree."])
        #expect(consent.status == 201, "\(consent)")
        let enrolled = try call(server, "POST", "/v1/subjects/\(subject)/faces", ["image": try image(photo)])
        #expect(enrolled.status == 201, "\(enrolled)")
    }

    func bestMatch(_ server: ServeCLITests.Server, _ photo: String) throws -> (subject: String?, match: Bool) {
        let answer = try call(server, "POST", "/v1/search", ["image": try image(photo), "k": 1])
        #expect(answer.status == 200, "\(answer)")
        let best = (answer.body["candidates"] as? [[String: Any]])?.first
        return (best?["subject"] as? String, best?["match"] as? Bool ?? false)
    }

    @Test("a subject erased with the CLI is not found by the running server")
    func eraseThroughCLI() throws {
        let server = try serve.start()
        defer { serve.stop(server) }
        try enroll(server, "yao", "yaoming.jpg")
        #expect(try bestMatch(server, "yaoming.jpg") == ("yao", true))
        let erased = try CLITests().likeness("subjects", "erase", "yao", "--data", server.data.path, "--tenant", "t")
        #expect(erased.status == 0, "\(erased)")
        let started = ContinuousClock.now
        let after = try bestMatch(server, "yaoming.jpg")
        #expect(!(after.subject == "yao" && after.match), "the erased subject is still found: \(after)")
        #expect(ContinuousClock.now - started < .seconds(1))
    }

    @Test("a data-key rotation with the CLI while the server runs: sign-in, enrolment, CLI search and restart work")
    func dataKeyRotationWhileServing() throws {
        var server = try serve.start()
        defer { serve.stop(server) }
        try enroll(server, "yao", "yaoming.jpg")
        let rotated = try CLITests().likeness(
            "keys", "rotate", "--data-key", "--tenant", "t", "--data", server.data.path)
        #expect(rotated.status == 0, "\(rotated)")
        let signIn = try call(server, "POST", "/v1/subjects/yao/verify", ["image": try image("yaoming.jpg")])
        #expect(signIn.status == 200, "\(signIn)")
        #expect(signIn.body["decision"] as? String == "match", "\(signIn.body)")
        try enroll(server, "aaron", Self.aaron)
        #expect(try bestMatch(server, Self.aaron) == ("aaron", true))
        let master = try CLITests().likeness("keys", "rotate", "--data", server.data.path)
        #expect(master.status == 0, "\(master)")
        try enroll(server, "adriana", Self.adriana)
        let search = try CLITests().likeness(
            "search", "--data", server.data.path, "--tenant", "t", "--json",
            Self.path(Self.adriana).path)
        #expect(search.status == 0, "\(search)")
        #expect(search.stdout.contains(#""subject":"adriana""#), "\(search.stdout)")
        let audit = try CLITests().likeness("audit", "verify", "--data", server.data.path)
        #expect(audit.status == 0, "\(audit)")
        // The server starts again on the directory it left.
        server.process.terminate()
        server.process.waitUntilExit()
        let restarted = try serve.restart(server)
        server = restarted
        #expect(try bestMatch(restarted, "yaoming.jpg") == ("yao", true))
        #expect(try bestMatch(restarted, Self.aaron) == ("aaron", true))
    }
}
