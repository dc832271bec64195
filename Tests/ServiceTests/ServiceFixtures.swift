import FaceKit
import Foundation
import Gallery
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
    static let skipReason: Comment = "models or ../shared/data missing (developer machine): skipped"

    static let analyzer = Result { try FaceAnalyzer(pack: ModelPack.load(from: models)) }

    static func bytes(_ relative: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: lfw.appendingPathComponent(relative).path) else {
            throw ServiceFixtureMissing(description: "\(relative) is missing under \(lfw.path)")
        }
        return [UInt8](data)
    }

    static func photo(_ relative: String) throws -> String { Data(try bytes(relative)).base64EncodedString() }

    /// An LFW photo enlarged so its face passes the enrolment profile's 45 px between the eyes
    /// (LFW's faces have about 40).
    static func enrollable(_ relative: String) throws -> [UInt8] {
        let image = try Image.decode(try bytes(relative))
        return try image.resized(width: image.width * 8 / 5, height: image.height * 8 / 5).encoded(as: .png)
    }
}

struct ServiceFixtureMissing: Error, CustomStringConvertible {
    let description: String
}

/// A service on a fresh gallery in a temporary directory, with an API key for each of two tenants.
struct ServiceHarness {
    let directory: URL
    let gallery: Gallery
    let configuration: ServiceConfiguration
    /// Secrets of tenant `acme`'s and tenant `globex`'s keys.
    let keyA: String
    let keyB: String

    static func make(_ configure: (inout ServiceConfiguration) -> Void = { _ in }) async throws -> ServiceHarness {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("likeness-service-\(UUID())")
        var galleryConfiguration = GalleryConfiguration()
        galleryConfiguration.actor = "test"
        let gallery = try await Gallery.open(
            directory: directory, configuration: galleryConfiguration, environment: [:])
        var configuration = ServiceConfiguration()
        configuration.maxBodyBytes = 2_000_000
        configuration.maxImageBytes = 1_000_000
        configure(&configuration)
        return ServiceHarness(
            directory: directory, gallery: gallery, configuration: configuration,
            keyA: try await gallery.createAPIKey(tenant: "acme", label: "a").secret,
            keyB: try await gallery.createAPIKey(tenant: "globex", label: "b").secret)
    }

    func run(_ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let app = buildApplication(
            configuration: configuration, analyzer: try ServiceFixtures.analyzer.get(), gallery: gallery)
        try await app.test(.router, test)
    }
}

/// Request bodies and response reading shared by the route tests.
enum HTTPBody {
    static func json(_ object: [String: Any]) throws -> ByteBuffer {
        ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object))
    }

    static let boundary = "likeness-test-boundary"

    /// A multipart/form-data body: `(name, bytes, filename?)` parts.
    static func multipart(_ parts: [(String, [UInt8], String?)]) -> ByteBuffer {
        var body: [UInt8] = []
        for (name, bytes, filename) in parts {
            var header = "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\""
            if let filename { header += "; filename=\"\(filename)\"\r\nContent-Type: image/jpeg" }
            header += "\r\n\r\n"
            body += Array(header.utf8) + bytes + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        return ByteBuffer(bytes: body)
    }

    static func headers(_ key: String?, json: Bool = true) -> HTTPFields {
        var fields = HTTPFields()
        fields[.contentType] = json ? "application/json" : "multipart/form-data; boundary=\(boundary)"
        if let key { fields[.authorization] = "Bearer \(key)" }
        return fields
    }

    static func auth(_ key: String) -> HTTPFields { [.authorization: "Bearer \(key)"] }

    static func object(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    static func code(_ response: TestResponse) -> String? {
        (try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])?["code"] as? String
    }
}
