import FaceKit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import TestSupport
import Testing
import Workflows

@testable import Service

@Suite("HTTP API: liveness sessions", .enabled(if: ServiceFixtures.required, ServiceFixtures.skipReason))
struct LivenessRouteTests {
    static func createSession(_ client: any TestClientProtocol, key: String, body: String = "{}") async throws
        -> [String: Any]
    {
        try await client.execute(
            uri: "/v1/liveness/sessions", method: .post, headers: HTTPBody.headers(key), body: ByteBuffer(string: body)
        ) { response in
            #expect(response.status == .created, "\(String(buffer: response.body))")
            return try HTTPBody.object(response)
        }
    }

    @Test("a session: random challenge, capture token, one upload with a decision, then used")
    func lifecycle() async throws {
        let video = try Fixtures.video("d12.mp4")
        let document = try ServiceFixtures.bytes("Paul_Wolfowitz/Paul_Wolfowitz_0002.jpg")
        let harness = try await ServiceHarness.make()
        try await harness.run { client in
            let session = try await Self.createSession(client, key: harness.keyA)
            let id = try #require(session["id"] as? String)
            let token = try #require(session["capture_token"] as? String)
            let challenge = try #require(session["challenge"] as? [String])
            #expect((2...3).contains(challenge.count))
            #expect((session["instructions"] as? [String])?.count == challenge.count)
            // The token rides in the fragment, which no server, log or Referer ever sees.
            #expect(session["capture_url"] as? String == "/capture#session=\(id)&token=\(token)")
            let capture: HTTPFields = [HTTPField.Name("X-Capture-Token")!: token]
            try await client.execute(uri: "/v1/liveness/sessions/\(id)", method: .get, headers: capture) { response in
                #expect(response.status == .ok)
                let shown = try HTTPBody.object(response)
                #expect(shown["challenge"] as? [String] == challenge)
                #expect(shown["capture_token"] == nil)
                #expect(Set(shown.keys).isSubset(of: LivenessHardeningTests.captureSessionKeys), "\(shown)")
            }
            // The wrong token, and another tenant's key, open nothing.
            try await client.execute(
                uri: "/v1/liveness/sessions/\(id)", method: .get, headers: [HTTPField.Name("X-Capture-Token")!: "lc_no"]
            ) { #expect($0.status == .unauthorized) }
            try await client.execute(
                uri: "/v1/liveness/sessions/\(id)", method: .get, headers: HTTPBody.auth(harness.keyB)
            ) { #expect($0.status == .notFound) }
            try await client.execute(
                uri: "/v1/liveness/sessions/\(id)", method: .get, headers: HTTPBody.auth(harness.keyA)
            ) {
                #expect($0.status == .ok)
            }
            var headers = capture
            headers[.contentType] = "multipart/form-data; boundary=\(HTTPBody.boundary)"
            // The browser hears pass or fail with hints; compared with another person's ID, it fails.
            let hints = try await client.execute(
                uri: "/v1/liveness/sessions/\(id)/video", method: .post, headers: headers,
                body: HTTPBody.multipart([("video", video, "recording.mp4"), ("document", document, "id.jpg")])
            ) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                let answer = try HTTPBody.object(response)
                LivenessHardeningTests.expectCaptureAnswer(answer)
                #expect(answer["status"] as? String == "failed", "\(answer)")
                #expect(answer["session"] as? String == id)
                let reasons = try #require(answer["reasons"] as? [[String: Any]])
                return reasons.compactMap { $0["code"] as? String }
            }
            try await client.execute(
                uri: "/v1/liveness/sessions/\(id)/video", method: .post, headers: headers,
                body: HTTPBody.multipart([("video", video, "recording.mp4")])
            ) { response in
                #expect(response.status == .conflict)
                #expect(HTTPBody.code(response) == "session_used")
            }
            // The browser sees the state only; the backend reads the same decision with its key.
            try await client.execute(uri: "/v1/liveness/sessions/\(id)", method: .get, headers: capture) { response in
                let body = try HTTPBody.object(response)
                #expect(response.status == .ok)
                #expect(body["state"] as? String == "completed")
                #expect(body["result"] == nil)
                #expect(LivenessHardeningTests.allKeys(body).isDisjoint(with: LivenessHardeningTests.forbiddenKeys))
            }
            // The backend reads the whole decision with its key.
            try await client.execute(
                uri: "/v1/liveness/sessions/\(id)", method: .get, headers: HTTPBody.auth(harness.keyA)
            ) { response in
                let body = try HTTPBody.object(response)
                #expect(body["state"] as? String == "completed")
                let answer = try #require(body["result"] as? [String: Any])
                #expect(answer["session"] as? String == id)
                let live = try #require(answer["live"] as? Bool, "\(answer)")
                let checks = try #require(answer["checks"] as? [[String: Any]])
                // The decision is the checks' verdict: live exactly when every check passed.
                #expect(live == checks.allSatisfy { $0["passed"] as? Bool == true }, "\(answer)")
                #expect(
                    Set(checks.compactMap { $0["name"] as? String })
                        == ["one_face", "face_present", "actions", "not_planar", "continuity", "same_person"])
                #expect(checks.allSatisfy { $0["value"] is Double && $0["threshold"] is Double })
                #expect((answer["actions"] as? [[String: Any]])?.count == challenge.count)
                // One reason per failed check, none when live.
                let reasons = try #require(answer["reasons"] as? [String])
                #expect(reasons.count == checks.filter { $0["passed"] as? Bool == false }.count)
                #expect(live == reasons.isEmpty)
                #expect(answer["score"] is Double)
                #expect(answer["reference"] is [String: Any])
                let verification = try #require(answer["verification"] as? [String: Any])
                #expect(verification["against"] as? String == "document")
                #expect(verification["decision"] as? String == "no_match")  // another person's ID
                #expect(verification["similarity"] is Double)
                #expect((verification["document_sha256"] as? String)?.count == 64)
                // Live but another person: the browser is told only that it was not confirmed.
                let mapped = reasons.compactMap { LivenessReason(rawValue: $0).map { LivenessHint($0).rawValue } }
                let expected =
                    live ? ["not_confirmed"] : mapped.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
                #expect(hints == expected, "\(answer)")
            }
            try await client.execute(
                uri: "/v1/liveness/sessions/\(id)", method: .get, headers: HTTPBody.auth(harness.keyB)
            ) { #expect($0.status == .notFound) }
        }
    }

    @Test("bad uploads: not a video, an unknown session, bad session options")
    func badInput() async throws {
        let harness = try await ServiceHarness.make()
        try await harness.run { client in
            try await client.execute(
                uri: "/v1/liveness/sessions/ls_0000/video", method: .post, headers: HTTPBody.headers(harness.keyA),
                body: try HTTPBody.json(["video": "aGVsbG8="])
            ) { #expect($0.status == .notFound) }
            for body in [
                #"{"actions": 5}"#, #"{"subject": "nobody"}"#, #"{"bogus": 1}"#,
                #"{"allowed_actions": ["blink", "open_mouth"]}"#, #"{"allowed_actions": ["wave", "turn_left"]}"#,
                #"{"allowed_actions": ["turn_left", "turn_right", "blink"], "actions": 3}"#,
                #"{"allowed_actions": "turn_left"}"#,
            ] {
                try await client.execute(
                    uri: "/v1/liveness/sessions", method: .post, headers: HTTPBody.headers(harness.keyA),
                    body: ByteBuffer(string: body)
                ) { response in
                    let expected = body.contains("nobody") ? "not_found" : "validation_failed"
                    #expect(response.status.code == (expected == "not_found" ? 404 : 400), "\(body)")
                    #expect(HTTPBody.code(response) == expected, "\(body)")
                    #expect(response.headers[.contentType] == "application/problem+json")
                }
            }
            // A challenge drawn only from the allowed actions.
            for _ in 0..<20 {
                let limited = try await Self.createSession(
                    client, key: harness.keyA, body: #"{"allowed_actions": ["turn_right", "blink", "open_mouth"]}"#)
                let challenge = try #require(limited["challenge"] as? [String])
                #expect(Set(challenge).isSubset(of: ["turn_right", "blink", "open_mouth"]), "\(challenge)")
                #expect(challenge.contains("turn_right"))
            }
            // No body at all: the defaults. A body that is not JSON: 415.
            try await client.execute(
                uri: "/v1/liveness/sessions", method: .post, headers: HTTPBody.auth(harness.keyA)
            ) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
            }
            var textHeaders = HTTPBody.auth(harness.keyA)
            textHeaders[.contentType] = "text/plain"
            try await client.execute(
                uri: "/v1/liveness/sessions", method: .post, headers: textHeaders, body: ByteBuffer(string: "actions=2")
            ) { response in
                #expect(response.status == .unsupportedMediaType)
                #expect(HTTPBody.code(response) == "unsupported_media_type")
            }
        }
        let fresh = try await ServiceHarness.make()
        try await fresh.run { client in
            let session = try await Self.createSession(client, key: fresh.keyA)
            let id = try #require(session["id"] as? String)
            try await client.execute(
                uri: "/v1/liveness/sessions/\(id)/video", method: .post, headers: HTTPBody.headers(fresh.keyA),
                body: try HTTPBody.json(["video": Data("not a video at all".utf8).base64EncodedString()])
            ) { response in
                // Refused by its first bytes, before anything is written or decoded.
                #expect(response.status == .unsupportedMediaType)
                #expect(HTTPBody.code(response) == "unsupported_format")
            }
            // The backend reads why the upload could not be judged.
            try await client.execute(
                uri: "/v1/liveness/sessions/\(id)", method: .get, headers: HTTPBody.auth(fresh.keyA)
            ) { response in
                let body = try HTTPBody.object(response)
                #expect(body["state"] as? String == "failed")
                #expect(body["error"] as? String == "unsupported_format")
            }
            try await client.execute(uri: "/capture", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                #expect(response.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
                // Never framed: a page that frames it could overlay the prompts.
                #expect(response.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
                #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
                #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                #expect(String(buffer: response.body).contains("<script src=\"/capture.js\""))
            }
            try await client.execute(uri: "/capture.js", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test("a session expires when its clock passes its lifetime, not before")
    func expiry() async throws {
        let harness = try await ServiceHarness.make()
        let clock = TestClock()
        let sessions = LivenessSessions(lifetime: 90, now: { clock.now() })
        try await harness.run(livenessSessions: sessions) { client in
            let session = try await Self.createSession(client, key: harness.keyA)
            let id = try #require(session["id"] as? String)
            clock.advance(89)
            try await client.execute(
                uri: "/v1/liveness/sessions/\(id)", method: .get, headers: HTTPBody.auth(harness.keyA)
            ) { #expect($0.status == .ok) }
            clock.advance(2)
            try await client.execute(
                uri: "/v1/liveness/sessions/\(id)", method: .get, headers: HTTPBody.auth(harness.keyA)
            ) { response in
                #expect(response.status == .gone)
                #expect(HTTPBody.code(response) == "session_expired")
            }
            // A late upload hears the same, before anything is read or analysed.
            try await client.execute(
                uri: "/v1/liveness/sessions/\(id)/video", method: .post, headers: HTTPBody.headers(harness.keyA),
                body: try HTTPBody.json(["video": "aGVsbG8="])
            ) { response in
                #expect(response.status == .gone)
                #expect(HTTPBody.code(response) == "session_expired")
            }
        }
    }

    /// d12's actions (Tests/Fixtures/liveness/genuine.json): a left turn at 1.9 s, right turns at
    /// 3.3 and 3.6 s, a wide-open mouth at 4.9 s, a left turn again at 6.6 s.
    static let performed = LivenessChallenge(actions: [.turnLeft, .openMouth])
    /// The same actions in the other order: the left turn comes before its turn.
    static let reversed = LivenessChallenge(actions: [.openMouth, .turnLeft])

    @Test("a fixed challenge the clip performs is live; the same actions in another order are challenge_not_met")
    func injectedChallenge() async throws {
        let video = try Fixtures.video("d12.mp4")
        let harness = try await ServiceHarness.make()
        let queue = Mutex([Self.performed, Self.reversed])
        let sessions = LivenessSessions(lifetime: 90, challenges: { _, _ in queue.withLock { $0.removeFirst() } })
        try await harness.run(livenessSessions: sessions) { client in
            // The reversed one is uploaded with the capture token: the browser hears "failed" and
            // what to do; the backend reads the same decision in full with its key.
            for (expected, live, byToken) in [(Self.performed, true, false), (Self.reversed, false, true)] {
                let session = try await Self.createSession(client, key: harness.keyA)
                let id = try #require(session["id"] as? String)
                let token = try #require(session["capture_token"] as? String)
                #expect(session["challenge"] as? [String] == expected.actions.map(\.rawValue))
                var headers: HTTPFields =
                    byToken ? [HTTPField.Name("X-Capture-Token")!: token] : HTTPBody.auth(harness.keyA)
                headers[.contentType] = "multipart/form-data; boundary=\(HTTPBody.boundary)"
                let uploaded = try await client.execute(
                    uri: "/v1/liveness/sessions/\(id)/video", method: .post, headers: headers,
                    body: HTTPBody.multipart([("video", video, "recording.mp4")])
                ) { response in
                    #expect(response.status == .ok, "\(String(buffer: response.body))")
                    return try HTTPBody.object(response)
                }
                var answer = uploaded
                if byToken {
                    LivenessHardeningTests.expectCaptureAnswer(uploaded)
                    #expect(uploaded["status"] as? String == "failed", "\(uploaded)")
                    let hints = try #require(uploaded["reasons"] as? [[String: Any]])
                    #expect(hints.map { $0["code"] as? String } == ["follow_prompts"], "\(uploaded)")
                    #expect(hints.first?["message"] as? String == LivenessHint.followPrompts.message)
                    answer = try await client.execute(
                        uri: "/v1/liveness/sessions/\(id)", method: .get, headers: HTTPBody.auth(harness.keyA)
                    ) { response in try #require(try HTTPBody.object(response)["result"] as? [String: Any]) }
                }
                #expect(answer["live"] as? Bool == live, "\(expected.actions): \(answer)")
                let reasons = try #require(answer["reasons"] as? [String])
                #expect(reasons == (live ? [] : ["challenge_not_met"]), "\(answer)")
                let actions = try #require(answer["actions"] as? [[String: Any]])
                #expect(actions.map { $0["found"] as? Bool } == expected.actions.map { _ in live })
                #expect(answer["verification"] == nil)  // nothing to compare with
            }
        }
    }

}

/// A clock the test moves by hand.
final class TestClock: Sendable {
    private let time = Mutex(Date(timeIntervalSince1970: 1_800_000_000))

    func now() -> Date { time.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { time.withLock { $0 += seconds } }
}
