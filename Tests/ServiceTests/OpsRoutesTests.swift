import FaceKit
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOHTTP1
import TestSupport
import Testing

@testable import Service

/// The operational routes: `/metrics` behind a key and without tenant series on the API port,
/// with them on the admin listener; `/readyz` from state; template counts cached.
@Suite("HTTP API: operational routes", .enabled(if: ServiceFixtures.required, ServiceFixtures.skipReason))
struct OpsRoutesTests {
    /// The API and admin applications over one shared state, as `ServiceListeners` builds them.
    static func applications(_ harness: ServiceHarness) throws -> (
        api: Application<RouterResponder<ServiceRequestContext>>,
        admin: Application<RouterResponder<ServiceRequestContext>>, shared: ServiceShared
    ) {
        let shared = ServiceShared(
            configuration: harness.configuration, analyzer: try Fixtures.analyzer(), gallery: harness.gallery,
            drain: ServiceDrain())
        let logger = Logger(label: "likeness.http")
        let api = makeApplication(
            router: buildRouter(shared: shared, livenessSessions: nil), configuration: harness.configuration,
            host: "127.0.0.1", port: 0, logger: logger)
        let admin = makeApplication(
            router: buildAdminRouter(shared: shared), configuration: harness.configuration, host: "127.0.0.1",
            port: 0, logger: logger)
        return (api, admin, shared)
    }

    @Test("API port: /metrics needs a key and names no tenant; the admin listener shows the tenants and the same counts")
    func metricsScopes() async throws {
        let harness = try await ServiceHarness.make()
        defer { try? FileManager.default.removeItem(at: harness.directory) }
        let (api, admin, _) = try Self.applications(harness)
        try await api.test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(HTTPBody.code(response) == "unauthorized")
            }
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/readyz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/metrics", method: .get, headers: HTTPBody.auth(harness.keyA)) { response in
                #expect(response.status == .ok)
                let text = String(buffer: response.body)
                #expect(text.contains("likeness_inference_capacity"))
                #expect(text.contains(#"likeness_http_requests_total{route="/readyz",method="GET",status="200"} 1"#))
                #expect(!text.contains("tenant="), "\(text)")
                #expect(!text.contains("gallery_templates"), "\(text)")
            }
            try await admin.test(.router) { adminClient in
                try await adminClient.execute(uri: "/metrics", method: .get) { response in
                    #expect(response.status == .ok)
                    let text = String(buffer: response.body)
                    #expect(text.contains(#"likeness_gallery_templates{tenant="acme"} 0"#), "\(text)")
                    #expect(text.contains(#"likeness_gallery_templates{tenant="globex"} 0"#), "\(text)")
                    // One registry: the API port's requests are counted here.
                    #expect(
                        text.contains(#"likeness_http_requests_total{route="/readyz",method="GET",status="200"} 1"#),
                        "\(text)")
                }
                try await adminClient.execute(uri: "/readyz", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect((try? HTTPBody.object(response))?["model_pack"] as? String != nil)
                }
                try await adminClient.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
                // Nothing else is served there.
                try await adminClient.execute(uri: "/v1/subjects", method: .get, headers: HTTPBody.auth(harness.keyA)) {
                    #expect($0.status == .notFound)
                }
            }
            // The admin scrape added tenant series to the shared registry; the API port still hides them.
            try await client.execute(uri: "/metrics", method: .get, headers: HTTPBody.auth(harness.keyB)) { response in
                #expect(response.status == .ok)
                #expect(!String(buffer: response.body).contains("tenant="))
            }
        }
    }

    @Test("a draining server is not ready on either listener")
    func drainOnBoth() async throws {
        let harness = try await ServiceHarness.make()
        defer { try? FileManager.default.removeItem(at: harness.directory) }
        let (api, admin, shared) = try Self.applications(harness)
        shared.drain.begin()
        try await api.test(.router) { client in
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(HTTPBody.code(response) == "not_ready")
            }
        }
        try await admin.test(.router) { client in
            try await client.execute(uri: "/readyz", method: .get) { #expect($0.status == .serviceUnavailable) }
        }
    }

    @Test("many concurrent /readyz: one warm-up and one store check, not one per probe")
    func readinessFromState() async throws {
        let harness = try await ServiceHarness.make()
        defer { try? FileManager.default.removeItem(at: harness.directory) }
        let (api, _, shared) = try Self.applications(harness)
        try await api.test(.router) { client in
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<200 {
                    group.addTask { try await client.execute(uri: "/readyz", method: .get) { $0.status } }
                }
                var all: [HTTPResponse.Status] = []
                for try await status in group { all.append(status) }
                return all
            }
            #expect(statuses.count == 200 && statuses.allSatisfy { $0 == .ok })
        }
        #expect(await shared.readiness.warmUps == 1)
        // A slow machine may take longer than the 2 s the result is kept: a second check, never 200.
        #expect(await shared.readiness.storeChecks <= 2)
    }

    @Test("a probe told the models are warm queues no warm-up")
    func warmAtStart() async throws {
        let harness = try await ServiceHarness.make()
        defer { try? FileManager.default.removeItem(at: harness.directory) }
        // Generous store bounds: this is about warm-ups, and a loaded machine (the whole suite at
        // once) can take longer than the 2 s defaults for one SQLite query.
        let probe = ReadinessProbe(
            analyzer: try Fixtures.analyzer(), gallery: harness.gallery, warm: true, storeMaxAge: .seconds(600),
            storeTimeout: .seconds(120))
        for _ in 0..<20 { #expect(await probe.check() == .ready) }
        #expect(await probe.warmUps == 0)
        #expect(await probe.storeChecks == 1)
    }

    @Test("template counts are read at most once per period, not on every scrape")
    func cachedTemplateCounts() async throws {
        let harness = try await ServiceHarness.make()
        defer { try? FileManager.default.removeItem(at: harness.directory) }
        let cache = TemplateCountCache(gallery: harness.gallery, maxAge: .seconds(3_600))
        #expect(await cache.counts() == ["acme": 0, "globex": 0])
        // A new tenant is not seen until the period has passed: the scrape ran no new query.
        _ = try await harness.gallery.createAPIKey(tenant: "initech", label: nil)
        #expect(await cache.counts() == ["acme": 0, "globex": 0])
        let fresh = TemplateCountCache(gallery: harness.gallery, maxAge: .zero)
        #expect(await fresh.counts()["initech"] == 0)
    }

    @Test("the API port's exposition drops every tenant series and the comments of emptied families")
    func tenantSeriesFiltered() {
        let text = """
            # HELP likeness_inference_capacity Image requests admitted at most at once
            # TYPE likeness_inference_capacity gauge
            likeness_inference_capacity 16.0
            # HELP likeness_gallery_templates Stored templates per tenant
            # TYPE likeness_gallery_templates gauge
            likeness_gallery_templates{tenant="acme"} 3.0
            likeness_gallery_templates{tenant="globex"} 0.0
            # HELP likeness_requests_rejected_total Requests refused
            # TYPE likeness_requests_rejected_total counter
            likeness_requests_rejected_total{reason="overloaded",tenant="acme"} 1
            likeness_requests_rejected_total{reason="rate_limited"} 2

            """
        let filtered = String(decoding: ServiceMetrics.withoutTenantSeries(Array(text.utf8)), as: UTF8.self)
        #expect(
            filtered == """
                # HELP likeness_inference_capacity Image requests admitted at most at once
                # TYPE likeness_inference_capacity gauge
                likeness_inference_capacity 16.0
                # HELP likeness_requests_rejected_total Requests refused
                # TYPE likeness_requests_rejected_total counter
                likeness_requests_rejected_total{reason="rate_limited"} 2

                """)
    }

    @Test("admin_port: 0 is none, out of range or equal to port is invalid_config")
    func adminPortSettings() {
        var settings = ServiceConfiguration()
        #expect(settings.adminPort == 0 && settings.adminHost == "127.0.0.1")
        #expect(settings.problems().isEmpty)
        settings.adminPort = settings.port
        #expect(settings.problems().contains("admin_port must differ from port"))
        settings.adminPort = 70_000
        #expect(settings.problems().contains { $0.hasPrefix("admin_port must be in 0...65535") })
        settings.adminPort = 9_090
        #expect(settings.problems().isEmpty)
    }

    @Test("parser errors become problems: 400 malformed_request, 431 headers_too_large")
    func parserProblems() throws {
        let (status, code, _) = try #require(ParserErrorResponder.problem(for: HTTPParserError.invalidContentLength))
        #expect(status.code == 400 && code == .malformedRequest)
        let (large, largeCode, _) = try #require(ParserErrorResponder.problem(for: HTTPParserError.headerOverflow))
        #expect(large.code == 431 && largeCode == .headersTooLarge)
        #expect(ParserErrorResponder.problem(for: CancellationError()) == nil)
        let body = ParserErrorResponder.body(status: status, code: code, detail: "d")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])
        #expect(object["code"] as? String == "malformed_request")
        #expect(object["status"] as? Int == 400)
        #expect(object["type"] as? String == "urn:likeness:problem:malformed_request")
    }
}
