import FaceKit
import Foundation
import Gallery
import Hummingbird
import TestSupport
import Testing

@testable import Service

@Suite("HTTP API: the OpenAPI document is the truth")
struct OpenAPITests {
    /// `METHOD /path` for every operation the document describes.
    static func documentedOperations() throws -> Set<String> {
        let data = try #require(OpenAPIController.document, "Resources/openapi.json is missing from the bundle")
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let methods: Set<String> = ["get", "post", "put", "patch", "delete", "head", "options"]
        return Set(
            paths.flatMap { path, item in
                item.keys.filter(methods.contains).map { "\($0.uppercased()) \(path)" }
            })
    }

    @Test(
        "every route has a path in /openapi.json and every documented path a route",
        .enabled(if: ServiceFixtures.required, ServiceFixtures.skipReason))
    func routesMatchDocument() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("likeness-openapi-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let gallery = try await Gallery.open(directory: directory, environment: [:])
        let router = buildRouter(
            configuration: ServiceConfiguration(), analyzer: try Fixtures.analyzer(), gallery: gallery)
        let routes = Set(router.routes.map { "\($0.method.rawValue) \($0.path)" })
        let documented = try Self.documentedOperations()
        #expect(routes.count >= 16)
        #expect(
            routes.subtracting(documented).isEmpty,
            "routes missing from the document: \(routes.subtracting(documented).sorted())")
        #expect(
            documented.subtracting(routes).isEmpty,
            "documented but not routed: \(documented.subtracting(routes).sorted())")
    }
}
