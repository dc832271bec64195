import FaceKit
import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
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
            try await client.execute(uri: "/metrics", method: .get) { response in
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
            let statuses = try await withThrowingTaskGroup(of: (HTTPResponse.Status, String?, String?).self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        try await client.execute(
                            uri: "/v1/verify", method: .post, headers: HTTPBody.headers(harness.keyA), body: body
                        ) { ($0.status, HTTPBody.code($0), $0.headers[.retryAfter]) }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.contains { $0.0 == .ok })
            #expect(statuses.contains { $0.0 == .serviceUnavailable })
            for (status, code, retryAfter) in statuses where status != .ok {
                #expect(status == .serviceUnavailable)
                #expect(code == "overloaded")
                #expect(retryAfter == "1")
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
