import FaceKit
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Service

/// The models and photos these tests need: required in CI, skipped with a reason elsewhere.
enum ServiceFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let models = root.appendingPathComponent("models")
    static let lfw = root.deletingLastPathComponent().appendingPathComponent("shared/data/lfw/images")
    static let available =
        FileManager.default.fileExists(atPath: models.appendingPathComponent("pack.json").path)
        && FileManager.default.fileExists(atPath: lfw.path)
    static let required =
        available || ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty && $0 != "false" } ?? false

    static let analyzer = Result { try FaceAnalyzer(pack: ModelPack.load(from: models)) }

    static func photo(_ relative: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: lfw.appendingPathComponent(relative).path) else {
            throw ServiceFixtureMissing(description: "\(relative) is missing under \(lfw.path)")
        }
        return data.base64EncodedString()
    }
}

struct ServiceFixtureMissing: Error, CustomStringConvertible {
    let description: String
}

@Suite(
    "HTTP API",
    .enabled(if: ServiceFixtures.required, "models or ../shared/data missing (developer machine): skipped"))
struct ServiceTests {
    func withApp(_ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        var configuration = ServiceConfiguration()
        configuration.maxBodyBytes = 2_000_000
        let app = buildApplication(configuration: configuration, analyzer: try ServiceFixtures.analyzer.get())
        try await app.test(.router, test)
    }

    func json(_ object: [String: Any]) throws -> ByteBuffer {
        ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object))
    }

    var jsonHeaders: HTTPFields { [.contentType: "application/json"] }

    func object(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    @Test("health and readiness")
    func health() async throws {
        try await withApp { client in
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .ok)
                let answer = try object(response)
                #expect(answer["model_pack"] as? String != nil)
            }
        }
    }

    @Test("detect finds the face; verify decides at the calibrated FMR")
    func detectAndVerify() async throws {
        let a = try ServiceFixtures.photo("Paul_Wolfowitz/Paul_Wolfowitz_0002.jpg")
        let b = try ServiceFixtures.photo("Paul_Wolfowitz/Paul_Wolfowitz_0003.jpg")
        let c = try ServiceFixtures.photo("Jennifer_Lopez/Jennifer_Lopez_0003.jpg")
        try await withApp { client in
            try await client.execute(
                uri: "/v1/detect", method: .post, headers: jsonHeaders, body: try json(["image": a])
            ) {
                response in
                #expect(response.status == .ok)
                let faces = try #require(try object(response)["faces"] as? [[String: Any]])
                #expect(faces.count >= 1)
            }
            try await client.execute(
                uri: "/v1/verify", method: .post, headers: jsonHeaders, body: try json(["first": a, "second": b])
            ) { response in
                #expect(response.status == .ok)
                let answer = try object(response)
                #expect(answer["decision"] as? String == "match")
                #expect(answer["fmr"] as? Double == 1e-4)
            }
            try await client.execute(
                uri: "/v1/verify", method: .post, headers: jsonHeaders,
                body: try json(["first": a, "second": c, "fmr": 1e-5])
            ) { response in
                let answer = try object(response)
                #expect(answer["decision"] as? String == "no_match")
            }
        }
    }

    @Test(
        "bad requests get problem+json with a stable code, never a 500",
        arguments: [
            ("/v1/detect", "application/json", "", 400, "validation_failed"),
            ("/v1/detect", "application/json", "{", 400, "validation_failed"),
            ("/v1/detect", "application/json", "[1,2]", 400, "validation_failed"),
            ("/v1/detect", "application/json", #"{"image": 5}"#, 400, "validation_failed"),
            ("/v1/detect", "application/json", #"{"image": "%%%"}"#, 400, "validation_failed"),
            ("/v1/detect", "application/json", #"{"image": "aGVsbG8=", "extra": 1}"#, 400, "validation_failed"),
            ("/v1/detect", "text/plain", #"{"image": "aGVsbG8="}"#, 415, "unsupported_media_type"),
            ("/v1/detect", "application/json", #"{"image": "aGVsbG8gd29ybGQ="}"#, 415, "unsupported_format"),
            ("/v1/detect", "application/json", #"{"image": "/9j/4AAQSkZJRg=="}"#, 422, "image_unreadable"),
            ("/v1/verify", "application/json", #"{"first": "aGVsbG8="}"#, 400, "validation_failed"),
            (
                "/v1/verify", "application/json", #"{"first": "aGk=", "second": "aGk=", "fmr": 2}"#, 400,
                "validation_failed"
            ),
            ("/v1/nothing", "application/json", "{}", 404, "not_found"),
        ])
    func badRequests(uri: String, contentType: String, body: String, status: Int, code: String) async throws {
        try await withApp { client in
            try await client.execute(
                uri: uri, method: .post, headers: [.contentType: contentType], body: ByteBuffer(string: body)
            ) { response in
                #expect(response.status.code == status, "\(uri) \(body)")
                #expect(response.headers[.contentType] == "application/problem+json")
                let problem = try object(response)
                #expect(problem["code"] as? String == code, "\(problem)")
                #expect(problem["status"] as? Int == status)
            }
        }
    }

    @Test("a body over the limit is payload_too_large, and the server keeps serving")
    func tooLarge() async throws {
        try await withApp { client in
            let huge = String(repeating: "A", count: 2_100_000)
            try await client.execute(
                uri: "/v1/detect", method: .post, headers: jsonHeaders,
                body: ByteBuffer(string: #"{"image":"\#(huge)"}"#)
            ) { response in
                #expect(response.status == .contentTooLarge)
                let problem = try object(response)
                #expect(problem["code"] as? String == "payload_too_large")
            }
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
        }
    }
}
