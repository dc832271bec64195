import FaceKit
import Foundation
import Gallery
import Hummingbird
import HummingbirdTesting
import Logging
import TestSupport
import Testing

@testable import Service

/// The models and photos these tests need, from `TestSupport.Fixtures` (one home for the paths and
/// the CI policy: required in CI, skipped with a reason elsewhere).
enum ServiceFixtures {
    static let required = Fixtures.needsModelsAndData
    static let skipReason: Comment = "models or ../shared/data missing (developer machine): skipped"

    /// An LFW photo by its path under lfw/images.
    static func bytes(_ relative: String) throws -> [UInt8] { try Fixtures.lfw(relative) }

    static func photo(_ relative: String) throws -> String { Data(try bytes(relative)).base64EncodedString() }

    /// An LFW photo enlarged so its face passes the enrolment profile's 45 px between the eyes
    /// (LFW's faces have about 40).
    static func enrollable(_ relative: String) throws -> [UInt8] {
        let image = try Image.decode(try bytes(relative))
        return try image.resized(width: image.width * 8 / 5, height: image.height * 8 / 5).encoded(as: .png)
    }
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

    /// Runs `test` against the application `likeness serve` runs; `livenessSessions` replaces its
    /// session store (a test clock, fixed challenges).
    func run(
        livenessSessions: LivenessSessions? = nil,
        _ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let app = buildApplication(
            configuration: configuration, analyzer: try Fixtures.analyzer(), gallery: gallery,
            logger: Logger(label: "likeness.http"), livenessSessions: livenessSessions)
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
