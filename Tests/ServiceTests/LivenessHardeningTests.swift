import FaceKit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing
import Workflows

@testable import Service

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Liveness sessions against an untrusted browser and careless clients: the capture token hears
/// pass or fail only, every upload spends its session, recordings live in a swept directory of
/// the server's own, and the session routes are rate limited like every `/v1` route.
@Suite(
    "HTTP API: liveness sessions against hostile browsers",
    .enabled(if: ServiceFixtures.required, ServiceFixtures.skipReason))
struct LivenessHardeningTests {
    typealias Client = any TestClientProtocol

    /// What the capture-token holder may read of a session.
    static let captureSessionKeys: Set<String> = ["id", "challenge", "instructions", "expires_at", "state"]
    /// Keys that would tell the capture-token holder more than pass or fail, at any depth.
    static let forbiddenKeys: Set<String> = [
        "checks", "score", "value", "threshold", "similarity", "fmr", "verification", "reference", "subject", "box",
        "actions", "decision", "result", "error", "live", "frames_analysed", "duration_ms", "document_sha256",
        "capture_token", "quality", "keypoints",
    ]

    /// Every key of every object in `value`, at any depth.
    static func allKeys(_ value: Any) -> Set<String> {
        if let object = value as? [String: Any] {
            return object.reduce(into: Set(object.keys)) { $0.formUnion(allKeys($1.value)) }
        }
        if let array = value as? [Any] { return array.reduce(into: []) { $0.formUnion(allKeys($1)) } }
        return []
    }

    /// A capture-token upload answer: the session, passed or failed, and hints; nothing measured.
    static func expectCaptureAnswer(_ answer: [String: Any]) {
        #expect(Set(answer.keys).isSubset(of: ["session", "status", "reasons"]), "\(answer)")
        #expect(allKeys(answer).isDisjoint(with: forbiddenKeys), "\(answer)")
        #expect(["passed", "failed"].contains(answer["status"] as? String ?? ""), "\(answer)")
        let reasons = answer["reasons"] as? [[String: Any]]
        #expect(reasons != nil, "\(answer)")
        for reason in reasons ?? [] {
            #expect(Set(reason.keys) == ["code", "message"], "\(reason)")
            let hint = LivenessHint(rawValue: reason["code"] as? String ?? "")
            #expect(hint != nil && reason["message"] as? String == hint?.message, "\(reason)")
        }
        // Passed exactly when there is nothing to fix.
        #expect((answer["status"] as? String == "passed") == (reasons?.isEmpty == true), "\(answer)")
    }

    static func capture(_ token: String, contentType: String? = nil) -> HTTPFields {
        var headers: HTTPFields = [HTTPField.Name("X-Capture-Token")!: token]
        if let contentType { headers[.contentType] = contentType }
        return headers
    }

    static let multipartType = "multipart/form-data; boundary=\(HTTPBody.boundary)"

    /// `(id, token)` of a new session of `key`'s tenant.
    static func openSession(_ client: Client, key: String, body: String = "{}") async throws -> (String, String) {
        let session = try await LivenessRouteTests.createSession(client, key: key, body: body)
        return (try #require(session["id"] as? String), try #require(session["capture_token"] as? String))
    }

    /// The session as its tenant's key reads it.
    static func backend(_ client: Client, _ id: String, key: String) async throws -> [String: Any] {
        try await client.execute(uri: "/v1/liveness/sessions/\(id)", method: .get, headers: HTTPBody.auth(key)) {
            response in
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            return try HTTPBody.object(response)
        }
    }

    // MARK: What the browser learns

    static func document(_ json: String) throws -> LivenessDocument {
        try JSONDecoder().decode(LivenessDocument.self, from: Data(json.utf8))
    }

    static let verification =
        #""verification": {"against": "document", "similarity": 0.12, "threshold": 0.31, "decision": "#

    @Test("the browser's share of a decision: passed only when live and matched; hints, one each, never a number")
    func captureDocument() throws {
        let base =
            #""session": "ls_1", "score": 0.7, "checks": [], "actions": [], "frames_analysed": 9, "duration_ms": 700"#
        let passed = LivenessCaptureDocument(
            try Self.document(#"{\#(base), "live": true, "reasons": [], \#(Self.verification)"match"}}"#))
        #expect(passed == LivenessCaptureDocument(session: "ls_1", status: .passed, reasons: []))
        // Live but another person: failed, and only "not confirmed" (no similarity, no threshold).
        let mismatch = LivenessCaptureDocument(
            try Self.document(#"{\#(base), "live": true, "reasons": [], \#(Self.verification)"no_match"}}"#))
        #expect(mismatch.status == .failed)
        #expect(mismatch.reasons.map(\.code) == [.notConfirmed])
        // Not live: the liveness hints, merged, and nothing said about the comparison.
        let spoof = LivenessCaptureDocument(
            try Self.document(
                #"{\#(base), "live": false, "reasons": ["planar_motion", "discontinuity", "face_lost", "identity_changed", "multiple_faces"], \#(Self.verification)"no_match"}}"#
            ))
        #expect(spoof.status == .failed)
        #expect(spoof.reasons.map(\.code) == [.holdSteady, .keepFaceInView, .onePerson])
        let missed = LivenessCaptureDocument(
            try Self.document(#"{\#(base), "live": false, "reasons": ["challenge_not_met", "no_reference_frame"]}"#))
        #expect(missed.reasons.map(\.code) == [.followPrompts, .moveCloser])
        #expect(missed.reasons.allSatisfy { !$0.message.isEmpty })
        // Every reason has a hint, and every hint a sentence.
        #expect(Set(LivenessReason.allCases.map { LivenessHint($0) }).count >= 5)
        #expect(LivenessHint.allCases.allSatisfy { $0.message.hasSuffix(".") })
        let encoded = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(spoof))
        #expect(Self.allKeys(encoded).isDisjoint(with: Self.forbiddenKeys))
    }

    @Test("the capture token reads no subject and no decision; the tenant's key reads both")
    func sessionForEachCaller() async throws {
        let harness = try await ServiceHarness.make()
        try await harness.run { client in
            try await client.execute(
                uri: "/v1/subjects", method: .post, headers: HTTPBody.headers(harness.keyA),
                body: try HTTPBody.json(["id": "yao"])
            ) { #expect($0.status == .created, "\(String(buffer: $0.body))") }
            let (id, token) = try await Self.openSession(client, key: harness.keyA, body: #"{"subject": "yao"}"#)
            try await client.execute(uri: "/v1/liveness/sessions/\(id)", method: .get, headers: Self.capture(token)) {
                response in
                #expect(response.status == .ok)
                let body = try HTTPBody.object(response)
                #expect(Set(body.keys).isSubset(of: Self.captureSessionKeys), "\(body)")
                #expect(Self.allKeys(body).isDisjoint(with: Self.forbiddenKeys), "\(body)")
                #expect(body["state"] as? String == "pending")
            }
            let backend = try await Self.backend(client, id, key: harness.keyA)
            #expect(backend["subject"] as? String == "yao")
            // A recording that is not one: the failure is the backend's to read, not the browser's.
            try await client.execute(
                uri: "/v1/liveness/sessions/\(id)/video", method: .post,
                headers: Self.capture(token, contentType: Self.multipartType),
                body: HTTPBody.multipart([("video", Array("not a video at all".utf8), "recording.mp4")])
            ) { response in
                #expect(response.status == .unsupportedMediaType)
                #expect(HTTPBody.code(response) == "unsupported_format")
            }
            try await client.execute(uri: "/v1/liveness/sessions/\(id)", method: .get, headers: Self.capture(token)) {
                response in
                let body = try HTTPBody.object(response)
                #expect(body["state"] as? String == "failed")
                #expect(Self.allKeys(body).isDisjoint(with: Self.forbiddenKeys), "\(body)")
            }
            let failed = try await Self.backend(client, id, key: harness.keyA)
            #expect(failed["error"] as? String == "unsupported_format")
            #expect(failed["subject"] as? String == "yao")
        }
    }

    // MARK: Every upload spends the session

    @Test("an empty, partial or mistyped upload spends the session and records why")
    func emptyUploadsSpendTheSession() async throws {
        let harness = try await ServiceHarness.make()
        let json = "application/json"
        let uploads: [(String, String?, ByteBuffer)] = [
            ("no parts", Self.multipartType, HTTPBody.multipart([])),
            ("an empty video part", Self.multipartType, HTTPBody.multipart([("video", [], "recording.webm")])),
            ("no video field", json, try HTTPBody.json(["document": "aGVsbG8="])),
            ("a zero-length JSON body", json, ByteBuffer()),
            ("a zero-length body of no type", nil, ByteBuffer()),
            ("text", "text/plain", ByteBuffer(string: "video")),
            ("bytes that are no container", json, try HTTPBody.json(["video": "aGVsbG8gd29ybGQ="])),
        ]
        try await harness.run { client in
            for (label, type, body) in uploads {
                let (id, token) = try await Self.openSession(client, key: harness.keyA)
                let code = try await client.execute(
                    uri: "/v1/liveness/sessions/\(id)/video", method: .post,
                    headers: Self.capture(token, contentType: type), body: body
                ) { response in
                    #expect((400..<500).contains(response.status.code), "\(label): \(response.status)")
                    #expect(response.headers[.contentType] == "application/problem+json", "\(label)")
                    return HTTPBody.code(response)
                }
                #expect(code != nil && code != "session_used", "\(label)")
                let state = try await Self.backend(client, id, key: harness.keyA)
                #expect(state["state"] as? String == "failed", "\(label): \(state)")
                #expect(state["error"] as? String == code, "\(label): \(state)")
                // Spent: the next try is refused before its body is read.
                try await client.execute(
                    uri: "/v1/liveness/sessions/\(id)/video", method: .post,
                    headers: Self.capture(token, contentType: Self.multipartType),
                    body: HTTPBody.multipart([("video", try Fixtures.video("d12.mp4"), "recording.mp4")])
                ) { response in
                    #expect(response.status == .conflict, "\(label)")
                    #expect(HTTPBody.code(response) == "session_used", "\(label)")
                }
            }
        }
    }

    // MARK: Recordings

    /// Every staged recording under `root`.
    static func recordings(under root: String) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: root)
        var found: [String] = []
        while let path = enumerator?.nextObject() as? String, found.count < 1_000 {
            if path.hasSuffix(".rec") { found.append(path) }
        }
        return found
    }

    static func makeFile(_ path: String, _ text: String = "x") throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    @Test(
        "recordings: a killed server's are swept at start, a live server's and foreign files are not, none outlives its upload"
    )
    func recordingsDirectory() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("likeness-recordings-test-\(UUID())")
            .path
        try FileManager.default.createDirectory(
            atPath: root, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(atPath: root) }
        // A killed server's subdirectory (its lock free) with its recording, one with no lock, a
        // stray recording; and a file that is none of ours.
        let killed = root + "/4242-0badc0de"
        try FileManager.default.createDirectory(atPath: killed, withIntermediateDirectories: false)
        try Self.makeFile(killed + "/lock")
        try Self.makeFile(killed + "/a1.rec", "biometric video")
        try FileManager.default.createDirectory(atPath: root + "/777-abc", withIntermediateDirectories: false)
        try Self.makeFile(root + "/777-abc/b2.rec")
        try Self.makeFile(root + "/stray.rec")
        try Self.makeFile(root + "/notes.txt")
        // Another live server's: its lock is held (here, by this test).
        let live = root + "/4343-feedface"
        try FileManager.default.createDirectory(atPath: live, withIntermediateDirectories: false)
        try Self.makeFile(live + "/lock")
        try Self.makeFile(live + "/c3.rec")
        let lock = open(live + "/lock", O_RDWR)
        #expect(lock >= 0)
        #expect(flock(lock, LOCK_EX | LOCK_NB) == 0)
        defer { close(lock) }

        let harness = try await ServiceHarness.make { $0.recordingsDir = root }
        let sessions = LivenessSessions(lifetime: 90, challenges: { _, _ in LivenessRouteTests.performed })
        try await harness.run(livenessSessions: sessions) { client in
            // Swept when the router was built.
            #expect(!FileManager.default.fileExists(atPath: killed))
            #expect(!FileManager.default.fileExists(atPath: root + "/777-abc"))
            #expect(!FileManager.default.fileExists(atPath: root + "/stray.rec"))
            #expect(FileManager.default.fileExists(atPath: root + "/notes.txt"))
            #expect(FileManager.default.fileExists(atPath: live + "/c3.rec"))
            let permissions = (try FileManager.default.attributesOfItem(atPath: root)[.posixPermissions] as? NSNumber)?
                .intValue
            #expect(permissions == 0o700)
            let own = try FileManager.default.contentsOfDirectory(atPath: root).filter {
                $0 != "4343-feedface" && $0 != "notes.txt"
            }
            #expect(own.count == 1 && own.allSatisfy { $0.hasPrefix("\(getpid())-") }, "\(own)")

            // Refused by its first bytes: never written.
            let (refused, refusedToken) = try await Self.openSession(client, key: harness.keyA)
            try await client.execute(
                uri: "/v1/liveness/sessions/\(refused)/video", method: .post,
                headers: Self.capture(refusedToken, contentType: Self.multipartType),
                body: HTTPBody.multipart([("video", Array("#EXTM3U\n#EXT-X-VERSION:3\n".utf8), "list.m3u8")])
            ) { #expect($0.status == .unsupportedMediaType) }
            // Looks like an MP4 and is not: written, the analysis fails, and it is removed.
            let fake: [UInt8] =
                [0, 0, 0, 0x18] + Array("ftypisom".utf8) + [0, 0, 2, 0] + Array("isomiso2".utf8)
                + [UInt8](repeating: 0x41, count: 4_000)
            let (broken, brokenToken) = try await Self.openSession(client, key: harness.keyA)
            try await client.execute(
                uri: "/v1/liveness/sessions/\(broken)/video", method: .post,
                headers: Self.capture(brokenToken, contentType: Self.multipartType),
                body: HTTPBody.multipart([("video", fake, "recording.mp4")])
            ) { response in
                #expect([415, 422].contains(response.status.code), "\(String(buffer: response.body))")
            }
            #expect(Self.recordings(under: root) == ["4343-feedface/c3.rec"])
            // A judged one is removed too.
            let (judged, judgedToken) = try await Self.openSession(client, key: harness.keyA)
            try await client.execute(
                uri: "/v1/liveness/sessions/\(judged)/video", method: .post,
                headers: Self.capture(judgedToken, contentType: Self.multipartType),
                body: HTTPBody.multipart([("video", try Fixtures.video("d12.mp4"), "recording.mp4")])
            ) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                Self.expectCaptureAnswer(try HTTPBody.object(response))
            }
            #expect(Self.recordings(under: root) == ["4343-feedface/c3.rec"])
        }
    }

    @Test("a recordings directory that is a symlink is refused: uploads fail with internal_error, nothing is written")
    func symlinkedRecordingsDirectory() async throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("likeness-recordings-link-\(UUID())")
            .path
        try FileManager.default.createDirectory(atPath: base + "/target", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: base + "/link", withDestinationPath: base + "/target")
        defer { try? FileManager.default.removeItem(atPath: base) }
        let harness = try await ServiceHarness.make { $0.recordingsDir = base + "/link" }
        try await harness.run { client in
            let (id, token) = try await Self.openSession(client, key: harness.keyA)
            try await client.execute(
                uri: "/v1/liveness/sessions/\(id)/video", method: .post,
                headers: Self.capture(token, contentType: Self.multipartType),
                body: HTTPBody.multipart([("video", try Fixtures.video("d12.mp4"), "recording.mp4")])
            ) { response in
                #expect(response.status == .internalServerError)
                #expect(HTTPBody.code(response) == "internal_error")
            }
            #expect(try await Self.backend(client, id, key: harness.keyA)["error"] as? String == "internal_error")
            #expect(try FileManager.default.contentsOfDirectory(atPath: base + "/target").isEmpty)
        }
    }

    // MARK: Rate limits

    @Test("a capture token spinning a GET loop gets 429 rate_limited with Retry-After; its backend does not")
    func captureTokenLoop() async throws {
        let harness = try await ServiceHarness.make()
        try await harness.run { client in
            let (id, token) = try await Self.openSession(client, key: harness.keyA)
            // All at once: sent one after another, a loaded machine's slow answers would let the
            // bucket refill between them and the test would measure the machine, not the limit.
            let started = ContinuousClock.now
            let answers = try await withThrowingTaskGroup(of: (Int, String?, String?).self) { group in
                for _ in 0..<30 {
                    group.addTask {
                        try await client.execute(
                            uri: "/v1/liveness/sessions/\(id)", method: .get, headers: Self.capture(token)
                        ) { response in
                            (Int(response.status.code), HTTPBody.code(response), response.headers[.retryAfter])
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let elapsed = Int((ContinuousClock.now - started).components.seconds)
            let statuses = answers.map(\.0)
            let refusal = answers.first { $0.0 == 429 }.map { (code: $0.1, retryAfter: $0.2) }
            let budget = Int(CaptureRequestBudget.defaultBurst)
            #expect(Set(statuses).isSubset(of: [200, 429]), "\(statuses)")
            #expect(statuses.filter { $0 == 200 }.count >= budget, "\(statuses)")
            #expect(statuses.contains(429), "\(statuses)")
            #expect(statuses.filter { $0 == 200 }.count <= budget + elapsed + 1, "\(statuses)")
            #expect(refusal?.code == "rate_limited")
            #expect((Int(refusal?.retryAfter ?? "") ?? 0) >= 1, "\(String(describing: refusal))")
            // The spent budget is this session's: the backend's key and another session still read.
            _ = try await Self.backend(client, id, key: harness.keyA)
            let (other, otherToken) = try await Self.openSession(client, key: harness.keyA)
            try await client.execute(
                uri: "/v1/liveness/sessions/\(other)", method: .get, headers: Self.capture(otherToken)
            ) { #expect($0.status == .ok) }
        }
    }

    @Test("a tenant's capture pages share one bucket; another tenant's, and the key's, are their own")
    func tenantCaptureBucket() async throws {
        let harness = try await ServiceHarness.make {
            $0.rateLimitPerSecond = 0.001
            $0.rateLimitBurst = 6
        }
        try await harness.run { client in
            var tokens: [(String, String)] = []
            for _ in 0..<3 { tokens.append(try await Self.openSession(client, key: harness.keyA)) }
            let (otherTenant, otherToken) = try await Self.openSession(client, key: harness.keyB)
            // Two reads each: six, the tenant's burst, each session well within its own budget.
            for (id, token) in tokens + tokens {
                try await client.execute(
                    uri: "/v1/liveness/sessions/\(id)", method: .get, headers: Self.capture(token)
                ) { #expect($0.status == .ok) }
            }
            try await client.execute(
                uri: "/v1/liveness/sessions/\(tokens[0].0)", method: .get, headers: Self.capture(tokens[0].1)
            ) { response in
                #expect(response.status == .tooManyRequests)
                #expect(HTTPBody.code(response) == "rate_limited")
                #expect(response.headers[.retryAfter] != nil)
            }
            try await client.execute(
                uri: "/v1/liveness/sessions/\(otherTenant)", method: .get, headers: Self.capture(otherToken)
            ) { #expect($0.status == .ok) }
            // acme's key made three requests (the creations) of its six.
            _ = try await Self.backend(client, tokens[0].0, key: harness.keyA)
        }
    }

    @Test("a key's session reads count against the key's rate limit, as every /v1 route does")
    func keyReadsAreLimited() async throws {
        let harness = try await ServiceHarness.make {
            $0.rateLimitPerSecond = 0.001
            $0.rateLimitBurst = 3
        }
        try await harness.run { client in
            let (id, _) = try await Self.openSession(client, key: harness.keyA)
            for expected in [HTTPResponse.Status.ok, .ok, .tooManyRequests] {
                try await client.execute(
                    uri: "/v1/liveness/sessions/\(id)", method: .get, headers: HTTPBody.auth(harness.keyA)
                ) { response in
                    #expect(response.status == expected)
                    if expected == .tooManyRequests {
                        #expect(HTTPBody.code(response) == "rate_limited")
                        #expect(response.headers[.retryAfter] != nil)
                    }
                }
            }
        }
    }

    // MARK: Each tenant's share of the session table

    @Test(
        "a tenant at capacity does not stop another; expired rows kept for late uploads and spent sessions do not count"
    )
    func capacityPerTenant() async throws {
        let clock = TestClock()
        let sessions = LivenessSessions(lifetime: 90, capacity: 2, now: { clock.now() })
        let harness = try await ServiceHarness.make()
        try await harness.run(livenessSessions: sessions) { client in
            let (first, firstToken) = try await Self.openSession(client, key: harness.keyB)
            let (second, _) = try await Self.openSession(client, key: harness.keyB)
            try await client.execute(
                uri: "/v1/liveness/sessions", method: .post, headers: HTTPBody.headers(harness.keyB),
                body: ByteBuffer(string: "{}")
            ) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(HTTPBody.code(response) == "overloaded")
                // At the latest, one of the tenant's pending sessions expires by then.
                #expect(response.headers[.retryAfter] == "90")
            }
            // globex's full share leaves acme its own.
            _ = try await Self.openSession(client, key: harness.keyA)
            _ = try await Self.openSession(client, key: harness.keyA)

            // A spent session (even by an empty upload) no longer counts.
            try await client.execute(
                uri: "/v1/liveness/sessions/\(first)/video", method: .post, headers: Self.capture(firstToken),
                body: ByteBuffer()
            ) { #expect((400..<500).contains($0.status.code)) }
            _ = try await Self.openSession(client, key: harness.keyB)

            // Expired, and kept for 600 s so a late upload hears 410: not counted either.
            clock.advance(91)
            let (late, _) = try await Self.openSession(client, key: harness.keyB)
            _ = try await Self.openSession(client, key: harness.keyB)
            try await client.execute(
                uri: "/v1/liveness/sessions/\(late)", method: .get, headers: HTTPBody.auth(harness.keyB)
            ) { #expect($0.status == .ok) }
            try await client.execute(
                uri: "/v1/liveness/sessions/\(second)", method: .get, headers: HTTPBody.auth(harness.keyB)
            ) { response in
                #expect(response.status == .gone)
                #expect(HTTPBody.code(response) == "session_expired")
            }
            let full = try await client.execute(
                uri: "/v1/liveness/sessions", method: .post, headers: HTTPBody.headers(harness.keyB),
                body: ByteBuffer(string: "{}")
            ) { response in response.status }
            #expect(full == .serviceUnavailable)  // the two new ones fill it again
        }
    }
}
