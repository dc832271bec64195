import FaceKit
import Gallery
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals
import Workflows

/// Liveness and readiness probes, and the metrics scrape.
///
/// On the API port `/healthz` and `/readyz` need no key (load balancers probe them; neither
/// costs inference or a query per probe) and `/metrics` needs an API key and shows only
/// server-wide series; the admin listener (`admin_port`) serves all three without a key, its
/// `/metrics` with the per-tenant series (`gallery_templates{tenant=…}`).
struct HealthController {
    typealias Context = ServiceRequestContext
    let dependencies: ServiceDependencies
    let gate: InferenceGate
    let drain: ServiceDrain
    let readiness: ReadinessProbe
    let templateCounts: TemplateCountCache

    /// The API port's public probes; `keyed` gets `/metrics` (a group behind the API key).
    func addRoutes(to router: Router<Context>, keyed: RouterGroup<Context>) {
        router.get("healthz") { _, _ in try JSONBody.response(["status": "ok"]) }
        router.get("readyz") { _, _ in try await ready() }
        keyed.get("metrics") { _, _ in try await metrics(tenantLabels: false) }
    }

    /// The admin listener's routes: the same probes, and every metric with its tenant labels.
    func addAdminRoutes(to router: Router<Context>) {
        router.get("healthz") { _, _ in try JSONBody.response(["status": "ok"]) }
        router.get("readyz") { _, _ in try await ready() }
        router.get("metrics") { _, _ in try await metrics(tenantLabels: true) }
    }

    struct Readiness: Encodable {
        var status: String
        /// Likeness's version, as `likeness --version` prints it.
        var version = LikenessVersion.current
        var modelPack: String
        var store: String

        enum CodingKeys: String, CodingKey {
            case status, store, version
            case modelPack = "model_pack"
        }
    }

    /// Ready once the networks have loaded and answered, and the store answers a query; not
    /// ready from the moment the server starts draining (it still serves everything else).
    /// Answered from `readiness`'s state: no inference, and at most one store check per couple
    /// of seconds however many probes arrive.
    func ready() async throws -> Response {
        if drain.isDraining {
            throw Problem(.serviceUnavailable, code: .notReady, detail: "the server is draining before it stops")
        }
        switch await readiness.check() {
        case .ready: break
        case .modelsUnavailable:
            throw Problem(.serviceUnavailable, code: .notReady, detail: "the model pack did not load")
        case .storeUnavailable:
            throw Problem(.serviceUnavailable, code: .notReady, detail: "the store does not answer")
        case .storeTimedOut:
            throw Problem(.serviceUnavailable, code: .notReady, detail: "the store did not answer in time")
        }
        return try JSONBody.response(
            Readiness(status: "ready", modelPack: dependencies.analyzer.pack.id, store: "ok"))
    }

    /// The exposition; the per-tenant template counts (cached, `TemplateCountCache`) only with
    /// `tenantLabels`, and no series naming a tenant without.
    func metrics(tenantLabels: Bool) async throws -> Response {
        let metrics = dependencies.metrics
        metrics.gauge(
            "inference_in_flight", help: "Image requests admitted and not finished", value: Double(gate.count))
        metrics.gauge(
            "inference_queue_depth", help: "Image requests waiting for an inference worker",
            value: Double(gate.queueDepth))
        metrics.gauge(
            "inference_capacity", help: "Image requests admitted at most at once", value: Double(gate.capacity))
        if tenantLabels {
            for (tenant, count) in await templateCounts.counts() {
                metrics.gauge(
                    "gallery_templates", help: "Stored templates per tenant", value: Double(count),
                    labels: [("tenant", tenant)])
            }
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        return Response(
            status: .ok, headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: metrics.render(tenantLabels: tenantLabels))))
    }
}

/// Whether the server is draining: about to stop, so `/readyz` answers 503 `not_ready` and a
/// load balancer's health check takes the node out of rotation, while every other route,
/// `/healthz` included, is still served.
public final class ServiceDrain: Sendable {
    private let draining = Atomic<Bool>(false)

    public init() {}

    public var isDraining: Bool { draining.load(ordering: .acquiring) }

    /// Withdraws readiness; there is no way back (the process stops after draining).
    public func begin() { draining.store(true, ordering: .releasing) }
}

extension ApplicationProtocol {
    /// Runs the application until a signal stops it (`runServices` says how).
    public func runService(drain: ServiceDrain, drainSeconds: Double, logger: Logger) async throws {
        try await runServices([self], drain: drain, drainSeconds: drainSeconds, logger: logger)
    }
}

/// Runs `services` (the listeners) in one group until a signal stops them.
///
/// - SIGTERM (what systemd, Kubernetes and `kill` send): `drain` begins, so `/readyz`
///   answers 503 at once, and the server goes on serving in-flight and new requests for
///   `drainSeconds`, long enough for a load balancer's health checks to take the node out;
///   then it stops gracefully: it closes the listening sockets and finishes the requests in
///   flight. A second SIGTERM cuts the grace period short.
/// - SIGINT (Ctrl-C): stops gracefully at once, without the grace period.
func runServices(_ services: [any Service], drain: ServiceDrain, drainSeconds: Double, logger: Logger) async throws {
    let group = ServiceGroup(
        configuration: .init(services: services, gracefulShutdownSignals: [.sigint], logger: logger))
    // Trapped before the group runs, so a SIGTERM that arrives early is not the default (fatal) one.
    let terminations = await UnixSignalsSequence(trapping: .sigterm)
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        tasks.addTask {
            var timer: Task<Void, Never>?
            defer { timer?.cancel() }
            // Ends (nil) when the task is cancelled: the group stopped for another reason.
            for await _ in terminations {
                if timer == nil {
                    drain.begin()
                    logger.notice(
                        "SIGTERM: draining, /readyz answers 503; stopping in \(drainSeconds) s",
                        metadata: ["drain_seconds": .stringConvertible(drainSeconds)])
                    timer = Task {
                        try? await Task.sleep(for: .milliseconds(Int64(drainSeconds * 1000)))
                        guard !Task.isCancelled else { return }
                        logger.notice("drained: stopping; requests in flight finish first")
                        await group.triggerGracefulShutdown()
                    }
                } else {
                    logger.notice("second SIGTERM: stopping now; requests in flight finish first")
                    await group.triggerGracefulShutdown()
                }
            }
        }
        // The group returns once the server has stopped; the signal listener then has nothing to do.
        try await tasks.next()
        tasks.cancelAll()
    }
}
