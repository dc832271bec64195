import FaceKit
import Gallery
import Hummingbird
import Workflows

/// Liveness and readiness probes, and the metrics scrape.
struct HealthController {
    typealias Context = ServiceRequestContext
    let dependencies: ServiceDependencies
    let gate: InferenceGate

    func addRoutes(to router: Router<Context>) {
        router.get("healthz") { _, _ in try JSONBody.response(["status": "ok"]) }
        router.get("readyz") { _, _ in try await ready() }
        router.get("metrics") { _, _ in try await metrics() }
    }

    struct Readiness: Encodable {
        var status: String
        var modelPack: String
        var store: String

        enum CodingKeys: String, CodingKey {
            case status, store
            case modelPack = "model_pack"
        }
    }

    /// Ready once the networks have loaded and answered, and the store answers a query.
    func ready() async throws -> Response {
        do {
            try await dependencies.analyzer.warmUp()
        } catch {
            throw Problem(.serviceUnavailable, code: .notReady, detail: "the model pack did not load")
        }
        do {
            _ = try await dependencies.gallery.store.tenants()
        } catch {
            throw Problem(.serviceUnavailable, code: .notReady, detail: "the store does not answer")
        }
        return try JSONBody.response(
            Readiness(status: "ready", modelPack: dependencies.analyzer.pack.id, store: "ok"))
    }

    func metrics() async throws -> Response {
        let metrics = dependencies.metrics
        metrics.gauge(
            "inference_in_flight", help: "Image requests admitted and not finished", value: Double(gate.count))
        metrics.gauge(
            "inference_queue_depth", help: "Image requests waiting for an inference worker",
            value: Double(gate.queueDepth))
        metrics.gauge(
            "inference_capacity", help: "Image requests admitted at most at once", value: Double(gate.capacity))
        for (tenant, count) in try await dependencies.gallery.templateCounts() {
            metrics.gauge(
                "gallery_templates", help: "Stored templates per tenant", value: Double(count),
                labels: [("tenant", tenant)])
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: metrics.render())))
    }
}
