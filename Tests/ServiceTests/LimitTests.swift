import FaceKit
import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import TestSupport
import Testing

@testable import Service

@Suite("HTTP API: limits and back-pressure", .enabled(if: ServiceFixtures.required, ServiceFixtures.skipReason))
struct LimitTests {
    @Test("a key over its rate gets 429 rate_limited with Retry-After; other keys are unaffected")
    func rateLimit() async throws {
        let harness = try await ServiceHarness.make {
            $0.rateLimitPerSecond = 0.01  // no refill within the test, however slow the machine
            $0.rateLimitBurst = 3
        }
        try await harness.run { client in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<5 {
                try await client.execute(uri: "/v1/audit", method: .get, headers: HTTPBody.auth(harness.keyA)) {
                    response in
                    statuses.append(response.status)
                    if response.status == .tooManyRequests {
                        #expect(HTTPBody.code(response) == "rate_limited")
                        #expect(Int(response.headers[.retryAfter] ?? "") ?? 0 >= 1)
                    }
                }
            }
            #expect(statuses == [.ok, .ok, .ok, .tooManyRequests, .tooManyRequests])
            try await client.execute(uri: "/v1/audit", method: .get, headers: HTTPBody.auth(harness.keyB)) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/metrics", method: .get, headers: HTTPBody.auth(harness.keyB)) { response in
                #expect(
                    String(buffer: response.body).contains(
                        #"likeness_requests_rejected_total{reason="rate_limited"} 2"#))
            }
        }
    }

    @Test(
        "past the in-flight bound (requests, or body bytes) image requests get 503 overloaded with Retry-After",
        arguments: [(1, 256_000_000), (100, 40_000)])
    func overload(maxRequests: Int, maxBytes: Int) async throws {
        let a = try ServiceFixtures.photo("Paul_Wolfowitz/Paul_Wolfowitz_0002.jpg")
        let b = try ServiceFixtures.photo("Paul_Wolfowitz/Paul_Wolfowitz_0003.jpg")
        let harness = try await ServiceHarness.make {
            $0.maxInFlight = maxRequests
            $0.maxInFlightBytes = maxBytes
            $0.maxWaiting = 0
        }
        let body = try HTTPBody.json(["first": a, "second": b])
        try await harness.run { client in
            typealias Answer = (HTTPResponse.Status, String?, String?, String?)
            let statuses = try await withThrowingTaskGroup(of: Answer.self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        try await client.execute(
                            uri: "/v1/verify", method: .post, headers: HTTPBody.headers(harness.keyA), body: body
                        ) { ($0.status, HTTPBody.code($0), $0.headers[.retryAfter], $0.headers[.connection]) }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.contains { $0.0 == .ok })
            #expect(statuses.contains { $0.0 == .serviceUnavailable })
            for (status, code, retryAfter, connection) in statuses where status != .ok {
                #expect(status == .serviceUnavailable)
                #expect(code == "overloaded")
                #expect(retryAfter == "1")
                // The unread body is not read: the connection closes after the answer.
                #expect(connection == "close")
            }
            // Non-image routes are not held back by the inference bound.
            try await client.execute(uri: "/v1/audit", method: .get, headers: HTTPBody.auth(harness.keyA)) {
                #expect($0.status == .ok)
            }
        }
    }

    /// `count` verify requests of one pair of photos sent at once on `harness`'s service, each
    /// answer read by `read`.
    static func concurrentVerifies<T: Sendable>(
        _ count: Int, on harness: ServiceHarness, _ read: @escaping @Sendable (TestResponse) -> T
    ) async throws -> [T] {
        let body = try HTTPBody.json([
            "first": try ServiceFixtures.photo("Paul_Wolfowitz/Paul_Wolfowitz_0002.jpg"),
            "second": try ServiceFixtures.photo("Paul_Wolfowitz/Paul_Wolfowitz_0003.jpg"),
        ])
        let answers = Mutex<[T]>([])
        try await harness.run { client in
            try await withThrowingTaskGroup(of: T.self) { group in
                for _ in 0..<count {
                    group.addTask {
                        try await client.execute(
                            uri: "/v1/verify", method: .post, headers: HTTPBody.headers(harness.keyA), body: body,
                            testCallback: read)
                    }
                }
                for try await answer in group { answers.withLock { $0.append(answer) } }
            }
        }
        return answers.withLock { $0 }
    }

    @Test("requests past the bound wait in line, body unread, and are served in turn")
    func waitingLine() async throws {
        let harness = try await ServiceHarness.make {
            $0.maxInFlight = 1
            $0.maxWaiting = 10
            $0.queueTimeoutSeconds = 120
        }
        let statuses = try await Self.concurrentVerifies(6, on: harness) { $0.status }
        #expect(statuses == Array(repeating: .ok, count: 6))
    }

    @Test("a request that waits longer than the queue timeout gets 503 overloaded")
    func waitingTimeout() async throws {
        let harness = try await ServiceHarness.make {
            $0.maxInFlight = 1
            $0.maxWaiting = 50
            $0.queueTimeoutSeconds = 0.001
        }
        let codes = try await Self.concurrentVerifies(8, on: harness) { $0.status == .ok ? "ok" : HTTPBody.code($0) }
        #expect(codes.contains("ok"))
        #expect(codes.contains("overloaded"))
        #expect(codes.allSatisfy { $0 == "ok" || $0 == "overloaded" })
    }

    @Test("a body over the limit is payload_too_large before it is read, and the server keeps serving")
    func tooLarge() async throws {
        let harness = try await ServiceHarness.make()
        try await harness.run { client in
            let huge = String(repeating: "A", count: 2_100_000)
            try await client.execute(
                uri: "/v1/detect", method: .post, headers: HTTPBody.headers(harness.keyA),
                body: ByteBuffer(string: #"{"image":"\#(huge)"}"#)
            ) { response in
                #expect(response.status == .contentTooLarge)
                #expect(HTTPBody.code(response) == "payload_too_large")
            }
            // One image over the per-image limit, inside the body limit.
            let big = (Data([0xFF, 0xD8, 0xFF, 0xE0]) + Data(count: 1_200_000)).base64EncodedString()
            try await client.execute(
                uri: "/v1/detect", method: .post, headers: HTTPBody.headers(harness.keyA),
                body: try HTTPBody.json(["image": String(big.prefix(1_900_000))])
            ) { response in
                #expect(response.status == .contentTooLarge)
                #expect(HTTPBody.code(response) == "image_too_large")
            }
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test(
        "one image whose decoded pixels exceed the whole decoded budget is 413 image_too_large; a smaller one is served"
    )
    func decodedBudgetTooLarge() async throws {
        let harness = try await ServiceHarness.make { $0.maxInFlightDecodedBytes = 1_000_000 }
        // 640×640 decodes to 1,228,800 bytes of BGR (a few KB as PNG): more than the whole budget.
        let flat = try Image(bgr: [UInt8](repeating: 128, count: 640 * 640 * 3), width: 640, height: 640)
        let big = Data(try flat.encoded(as: .png)).base64EncodedString()
        try await harness.run { client in
            try await client.execute(
                uri: "/v1/detect", method: .post, headers: HTTPBody.headers(harness.keyA),
                body: try HTTPBody.json(["image": big])
            ) { response in
                #expect(response.status == .contentTooLarge)
                #expect(HTTPBody.code(response) == "image_too_large")
            }
            let photo = try ServiceFixtures.photo("Paul_Wolfowitz/Paul_Wolfowitz_0002.jpg")
            try await client.execute(
                uri: "/v1/detect", method: .post, headers: HTTPBody.headers(harness.keyA),
                body: try HTTPBody.json(["image": photo])
            ) { #expect($0.status == .ok) }
        }
    }

    @Test("decoded pixels: a reservation waits for room, times out without it, and an idle gate grants any size")
    func decodedBudget() async throws {
        let gate = InferenceGate(capacity: 10, byteBudget: 1_000_000, pixelBudget: 1_000, workers: 1, maxWaiting: 10)
        #expect(await gate.reservePixels(600, tenant: "a", timeout: .seconds(1)))
        #expect(await gate.reservePixels(600, tenant: "b", timeout: .milliseconds(20)) == false)
        async let waiting = gate.reservePixels(600, tenant: "b", timeout: .seconds(30))
        try await Task.sleep(for: .milliseconds(50))
        gate.releasePixels(600, tenant: "a")
        #expect(await waiting)
        gate.releasePixels(600, tenant: "b")
        #expect(gate.pixelBytes == 0)
        #expect(await gate.reservePixels(5_000, tenant: "b", timeout: .milliseconds(20)))
        gate.releasePixels(5_000, tenant: "b")
        #expect(gate.pixelBytes == 0)
    }

    @Test("a request whose images cannot get their decoded pixels within the queue timeout is 503 overloaded")
    func decodedBudgetOverloaded() async throws {
        let gate = InferenceGate(capacity: 10, byteBudget: 1_000_000, pixelBudget: 1_000, workers: 1, maxWaiting: 10)
        #expect(await gate.reservePixels(900, tenant: "other", timeout: .seconds(1)))
        let ticket = AdmissionTicket(gate: gate, tenant: "a", timeout: .milliseconds(20))
        let problem = await #expect(throws: Problem.self) {
            try await ticket.reserve(footprints: [300, 200], sequential: false)
        }
        #expect(problem?.code == .overloaded)
        // Decoded one at a time, only the largest is reserved: 300 does not fit either; 100 does.
        await #expect(throws: Problem.self) { try await ticket.reserve(footprints: [300, 200], sequential: true) }
        try await ticket.reserve(footprints: [100, 50], sequential: true)
        #expect(gate.pixelBytes == 1_000)
        ticket.releaseAll()
        #expect(gate.pixelBytes == 900)
    }

    @Test("a tenant at its share is refused while another tenant is admitted")
    func tenantShare() async throws {
        let gate = InferenceGate(
            capacity: 4, byteBudget: 100, pixelBudget: 1_000, workers: 1, maxWaiting: 4, tenantShare: 0.5)
        #expect(gate.share == .init(requests: 2, bytes: 50, pixels: 500, waiting: 2))
        #expect(await gate.enter(bytes: 10, tenant: "a", timeout: .seconds(1)))
        #expect(await gate.enter(bytes: 10, tenant: "a", timeout: .seconds(1)))
        // A's third waits behind A's own share; B does not wait behind it.
        async let third = gate.enter(bytes: 10, tenant: "a", timeout: .milliseconds(200))
        try await Task.sleep(for: .milliseconds(30))
        #expect(await gate.enter(bytes: 10, tenant: "b", timeout: .milliseconds(10)))
        #expect(await third == false)
        // Decoded pixels: A may hold 500 of the 1,000.
        #expect(await gate.reservePixels(400, tenant: "a", timeout: .seconds(1)))
        #expect(await gate.reservePixels(200, tenant: "a", timeout: .milliseconds(20)) == false)
        #expect(await gate.reservePixels(500, tenant: "b", timeout: .milliseconds(20)))
        // A leaves one place: its next request is admitted again.
        gate.leave(bytes: 10, tenant: "a")
        #expect(await gate.enter(bytes: 10, tenant: "a", timeout: .milliseconds(10)))
    }

    @Test("slow uploads of one tenant (12 chunked bodies reserving the body limit) cannot refuse another tenant")
    func slowUploadsOfOneTenant() async throws {
        let gate = InferenceGate(
            capacity: 32, byteBudget: 256_000_000, workers: 2, maxWaiting: 128, tenantShare: 0.5)
        var admitted = 0
        for _ in 0..<13 {
            if await gate.enter(bytes: 20_000_000, tenant: "a", timeout: .milliseconds(10)) { admitted += 1 }
        }
        #expect(admitted == 6)  // 6 × 20 MB ≤ 128 MB, its half of the budget
        #expect(await gate.enter(bytes: 20_000_000, tenant: "b", timeout: .milliseconds(10)))
        #expect(
            await gate.enter(bytes: 20_000_000, tenant: AdmissionMiddleware.captureBucket, timeout: .milliseconds(10)))
    }

    @Test("an image route takes one rate-limit token per image, all or none")
    func perImageRateCharge() async throws {
        let harness = try await ServiceHarness.make {
            // No refill within the test: under the whole suite's load a cluster request here has
            // taken over a minute, and at 0.01/s that gave back the token the last check counts on.
            $0.rateLimitPerSecond = 0.0001
            $0.rateLimitBurst = 4
        }
        let photo = try ServiceFixtures.photo("Paul_Wolfowitz/Paul_Wolfowitz_0002.jpg")
        try await harness.run { client in
            // 1 token for the request, 4 more for images 2…5: only 3 are left, so it is refused whole.
            try await client.execute(
                uri: "/v1/cluster", method: .post, headers: HTTPBody.headers(harness.keyA),
                body: try HTTPBody.json(["images": Array(repeating: photo, count: 5)])
            ) { response in
                #expect(response.status == .tooManyRequests)
                #expect(HTTPBody.code(response) == "rate_limited")
                #expect(Int(response.headers[.retryAfter] ?? "") ?? 0 >= 1)
            }
            // 1 + 2 of the 3 left.
            try await client.execute(
                uri: "/v1/cluster", method: .post, headers: HTTPBody.headers(harness.keyA),
                body: try HTTPBody.json(["images": [photo, photo, photo]])
            ) { #expect($0.status == .ok) }
            try await client.execute(uri: "/v1/audit", method: .get, headers: HTTPBody.auth(harness.keyA)) {
                #expect($0.status == .tooManyRequests)
            }
            try await client.execute(uri: "/v1/audit", method: .get, headers: HTTPBody.auth(harness.keyB)) {
                #expect($0.status == .ok)
            }
        }
    }

    @Test("multi-image work past its inference budget is stopped with 503 deadline_exceeded; waiting is free")
    func workDeadline() async throws {
        let fast = try await WorkDeadline.run(.seconds(5), "clustering") { 42 }
        #expect(fast == 42)
        // Waiting holds no worker, so it is not charged (on a busy server, waiting in line for a
        // worker must not refuse the request for the load others cause).
        let waited = try await WorkDeadline.run(.milliseconds(20), "clustering") {
            try await Task.sleep(for: .milliseconds(300))
            return 1
        }
        #expect(waited == 1)
        let analyzer = try Fixtures.analyzer()
        let image = try Image.decode(try ServiceFixtures.bytes("Paul_Wolfowitz/Paul_Wolfowitz_0002.jpg"))
        let detections = Mutex(0)
        let problem = await #expect(throws: Problem.self) {
            try await WorkDeadline.run(.milliseconds(1), "clustering") {
                for _ in 0..<50 {
                    _ = try await analyzer.detect(in: image)
                    detections.withLock { $0 += 1 }
                }
                return 0
            }
        }
        #expect(problem?.code == .deadlineExceeded)
        #expect(problem?.status == .serviceUnavailable)
        // The detection in progress finishes; the next is refused.
        #expect(detections.withLock { $0 } == 1)
    }

    @Test("refusals within the rate are answered at once; past it they wait the delay, unless maxHeld already wait")
    func refusalPacing() async throws {
        // A burst of 3 and (practically) no refill, so a slow machine changes nothing. Refusals
        // within the burst never suspend, so their time is the machine's, not the pacer's.
        let pacer = RefusalPacer(immediatePerSecond: 0.0001, burst: 3, delay: .seconds(2), maxHeld: 2)
        let start = ContinuousClock.now
        for _ in 0..<3 { await pacer.pace() }
        #expect(ContinuousClock.now - start < .seconds(2), "the first three refusals waited")
        let held = ContinuousClock.now
        await pacer.pace()
        #expect(ContinuousClock.now - held >= .seconds(2), "the fourth refusal was answered at once")
        #expect(pacer.held == 0)
        // No room to hold (maxHeld 0): answered at once even past the rate.
        let full = RefusalPacer(immediatePerSecond: 0.0001, burst: 0, delay: .seconds(60), maxHeld: 0)
        let unheld = ContinuousClock.now
        await full.pace()
        #expect(ContinuousClock.now - unheld < .seconds(30))
    }

    @Test("the decoded budget and the tenant share are settings with ranges")
    func admissionSettings() throws {
        let settings = try JSONDecoder().decode(
            ServiceConfiguration.self,
            from: Data(#"{"max_in_flight_decoded_bytes": 100000000, "max_tenant_share": 0.25}"#.utf8))
        #expect(settings.maxInFlightDecodedBytes == 100_000_000)
        #expect(settings.maxTenantShare == 0.25)
        var wrong = ServiceConfiguration()
        wrong.maxTenantShare = 0
        wrong.maxInFlightDecodedBytes = 10
        #expect(wrong.problems().contains { $0.hasPrefix("max_tenant_share") })
        #expect(wrong.problems().contains { $0.hasPrefix("max_in_flight_decoded_bytes") })
    }

    @Test("settings outside their ranges are named")
    func settings() {
        var settings = ServiceConfiguration()
        #expect(settings.problems().isEmpty)
        settings.port = 0
        settings.maxImageBytes = settings.maxBodyBytes + 1
        settings.defaultFMR = 2
        settings.rateLimitPerSecond = 0
        let problems = settings.problems()
        #expect(problems.count == 4)
        #expect(problems.contains { $0.hasPrefix("port") })
        #expect(problems.contains { $0.hasPrefix("default_fmr") })
    }

    @Test("a config file sets only what it names")
    func configFile() throws {
        let settings = try JSONDecoder().decode(
            ServiceConfiguration.self, from: Data(#"{"port": 9000, "rate_limit_per_second": 5}"#.utf8))
        #expect(settings.port == 9000)
        #expect(settings.rateLimitPerSecond == 5)
        #expect(settings.host == "127.0.0.1")
        #expect(settings.maxBodyBytes == 20_000_000)
    }
}
