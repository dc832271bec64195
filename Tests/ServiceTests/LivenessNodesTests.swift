import FaceKit
import Foundation
import Gallery
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import TestSupport
import Testing

@testable import Service

/// Two service applications on one data directory, as two `likeness serve` nodes on one store:
/// a liveness session belongs to the store, not to the node that created it.
@Suite(
    "HTTP API: liveness sessions across nodes", .enabled(if: ServiceFixtures.required, ServiceFixtures.skipReason))
struct LivenessNodesTests {
    typealias Client = any TestClientProtocol

    /// Runs `test` with a client of each of two applications, each with a gallery of its own on
    /// one directory, and the secrets of tenant `acme`'s and tenant `globex`'s keys.
    static func withTwoNodes(
        _ sessions: LivenessSessions,
        _ test: @escaping @Sendable (_ a: Client, _ b: Client, _ keyA: String, _ keyB: String) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("likeness-nodes-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        var galleryConfiguration = GalleryConfiguration()
        galleryConfiguration.actor = "test"
        let first = try await Gallery.open(directory: directory, configuration: galleryConfiguration, environment: [:])
        let second = try await Gallery.open(
            directory: directory, configuration: galleryConfiguration, environment: [:])
        var configuration = ServiceConfiguration()
        configuration.maxBodyBytes = 2_000_000
        configuration.maxImageBytes = 1_000_000
        do {
            let keyA = try await first.createAPIKey(tenant: "acme", label: "a").secret
            let keyB = try await second.createAPIKey(tenant: "globex", label: "b").secret
            let analyzer = try Fixtures.analyzer()
            let nodeA = buildApplication(
                configuration: configuration, analyzer: analyzer, gallery: first, logger: Logger(label: "likeness.a"),
                livenessSessions: sessions)
            let nodeB = buildApplication(
                configuration: configuration, analyzer: analyzer, gallery: second, logger: Logger(label: "likeness.b"),
                livenessSessions: sessions)
            try await nodeA.test(.router) { a in
                try await nodeB.test(.router) { b in try await test(a, b, keyA, keyB) }
            }
        } catch {
            await first.close()
            await second.close()
            throw error
        }
        await first.close()
        await second.close()
    }

    static func captureHeaders(_ token: String, multipart: Bool = false) -> HTTPFields {
        var headers: HTTPFields = [HTTPField.Name("X-Capture-Token")!: token]
        if multipart { headers[.contentType] = "multipart/form-data; boundary=\(HTTPBody.boundary)" }
        return headers
    }

    @Test("a session created on node A is read and uploaded on node B; A then serves the decision")
    func createdHereUploadedThere() async throws {
        let video = try Fixtures.video("d12.mp4")
        let sessions = LivenessSessions(lifetime: 90, challenges: { _, _ in LivenessRouteTests.performed })
        try await Self.withTwoNodes(sessions) { a, b, keyA, keyB in
            let created = try await LivenessRouteTests.createSession(a, key: keyA)
            let id = try #require(created["id"] as? String)
            let token = try #require(created["capture_token"] as? String)
            let challenge = LivenessRouteTests.performed.actions.map(\.rawValue)
            #expect(created["challenge"] as? [String] == challenge)

            try await b.execute(uri: "/v1/liveness/sessions/\(id)", method: .get, headers: Self.captureHeaders(token)) {
                response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                let shown = try HTTPBody.object(response)
                #expect(shown["challenge"] as? [String] == challenge)
                #expect(shown["state"] as? String == "pending")
                #expect(shown["expires_at"] as? String == created["expires_at"] as? String)
                #expect(shown["capture_token"] == nil)
            }
            // Another tenant's key finds nothing on either node.
            try await b.execute(uri: "/v1/liveness/sessions/\(id)", method: .get, headers: HTTPBody.auth(keyB)) {
                #expect($0.status == .notFound)
            }
            try await b.execute(
                uri: "/v1/liveness/sessions/\(id)/video", method: .post,
                headers: Self.captureHeaders(token, multipart: true),
                body: HTTPBody.multipart([("video", video, "recording.mp4")])
            ) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                let answer = try HTTPBody.object(response)
                // The browser's share: passed, nothing measured.
                #expect(answer["status"] as? String == "passed", "\(answer)")
                #expect((answer["reasons"] as? [Any])?.isEmpty == true, "\(answer)")
                LivenessHardeningTests.expectCaptureAnswer(answer)
            }
            // The one upload was taken on B: A refuses another.
            try await a.execute(
                uri: "/v1/liveness/sessions/\(id)/video", method: .post,
                headers: Self.captureHeaders(token, multipart: true),
                body: HTTPBody.multipart([("video", video, "recording.mp4")])
            ) { response in
                #expect(response.status == .conflict)
                #expect(HTTPBody.code(response) == "session_used")
            }
            try await a.execute(uri: "/v1/liveness/sessions/\(id)", method: .get, headers: HTTPBody.auth(keyA)) {
                response in
                let body = try HTTPBody.object(response)
                #expect(body["state"] as? String == "completed")
                let result = try #require(body["result"] as? [String: Any], "\(body)")
                #expect(result["live"] as? Bool == true)
                #expect(result["score"] is Double)
                #expect(result["session"] as? String == id)
            }
            try await a.execute(uri: "/v1/liveness/sessions/\(id)", method: .get, headers: Self.captureHeaders(token)) {
                response in
                let body = try HTTPBody.object(response)
                #expect(body["state"] as? String == "completed")
                #expect(body["result"] == nil)
            }
        }
    }

    @Test("capacity is per tenant over both nodes; expiry, failures and sweeps are seen by both")
    func capacityExpiryAndSweep() async throws {
        let clock = TestClock()
        let sessions = LivenessSessions(lifetime: 90, capacity: 2, now: { clock.now() })
        try await Self.withTwoNodes(sessions) { a, b, keyA, keyB in
            let first = try #require(try await LivenessRouteTests.createSession(a, key: keyA)["id"] as? String)
            _ = try await LivenessRouteTests.createSession(b, key: keyA)
            try await a.execute(
                uri: "/v1/liveness/sessions", method: .post, headers: HTTPBody.headers(keyA),
                body: ByteBuffer(string: "{}")
            ) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(HTTPBody.code(response) == "overloaded")
                #expect(response.headers[.retryAfter] == "90")
            }
            // acme's full quota leaves globex its own.
            let failing = try #require(try await LivenessRouteTests.createSession(b, key: keyB)["id"] as? String)

            // A failure recorded on A is what B tells the backend.
            try await a.execute(
                uri: "/v1/liveness/sessions/\(failing)/video", method: .post, headers: HTTPBody.headers(keyB),
                body: try HTTPBody.json(["video": Data("not a video at all".utf8).base64EncodedString()])
            ) { response in
                #expect(response.status == .unsupportedMediaType)
                #expect(HTTPBody.code(response) == "unsupported_format")
            }
            try await b.execute(uri: "/v1/liveness/sessions/\(failing)", method: .get, headers: HTTPBody.auth(keyB)) {
                response in
                let body = try HTTPBody.object(response)
                #expect(body["state"] as? String == "failed")
                #expect(body["error"] as? String == "unsupported_format")
            }

            clock.advance(91)
            try await b.execute(uri: "/v1/liveness/sessions/\(first)", method: .get, headers: HTTPBody.auth(keyA)) {
                response in
                #expect(response.status == .gone)
                #expect(HTTPBody.code(response) == "session_expired")
            }
            // Expired sessions no longer count against the tenant.
            _ = try await LivenessRouteTests.createSession(a, key: keyA)

            // Kept 600 s past expiry, then swept by whichever node creates a session next.
            clock.advance(700)
            _ = try await LivenessRouteTests.createSession(b, key: keyA)
            try await a.execute(uri: "/v1/liveness/sessions/\(first)", method: .get, headers: HTTPBody.auth(keyA)) {
                #expect($0.status == .notFound)
            }
        }
    }
}
