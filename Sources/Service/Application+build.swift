import FaceKit
import Gallery
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// The HTTP application: routes, authentication, limits, metrics, logs and the problem+json mapping.
///
/// Tests call it, through HummingbirdTesting; `likeness serve` runs it through `ServiceListeners`
/// (with the admin listener beside it when `admin_port` is set). `logger` is the one every
/// request logs through (tests pass a capturing one).
public func buildApplication(
    configuration: ServiceConfiguration, analyzer: FaceAnalyzer, gallery: Gallery,
    logger: Logger = Logger(label: "likeness.http"), drain: ServiceDrain = ServiceDrain()
) -> some ApplicationProtocol {
    buildApplication(
        configuration: configuration, analyzer: analyzer, gallery: gallery, logger: logger, livenessSessions: nil,
        drain: drain)
}

/// The same application over `livenessSessions` when given: tests pass sessions whose clock and
/// challenges they set. Internal because `LivenessSessions` is.
func buildApplication(
    configuration: ServiceConfiguration, analyzer: FaceAnalyzer, gallery: Gallery, logger: Logger,
    livenessSessions: LivenessSessions?, drain: ServiceDrain = ServiceDrain()
) -> some ApplicationProtocol {
    let shared = ServiceShared(configuration: configuration, analyzer: analyzer, gallery: gallery, drain: drain)
    return makeApplication(
        router: buildRouter(shared: shared, livenessSessions: livenessSessions), configuration: configuration,
        host: configuration.host, port: configuration.port, logger: logger)
}

/// An application serving `router` on `host:port`, with the server settings both listeners use:
/// the idle timeout, and problem+json answers to requests the HTTP parser refuses.
func makeApplication(
    router: Router<ServiceRequestContext>, configuration: ServiceConfiguration, host: String, port: Int,
    logger: Logger, onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
) -> Application<RouterResponder<ServiceRequestContext>> {
    // Idle connections close a little after the request timeout, so a stalled body gets its 408
    // answer before the connection is dropped.
    let http = HTTP1Channel.Configuration(
        additionalChannelHandlers: [ParserErrorResponder()],
        idleTimeout: .milliseconds(Int64((configuration.requestTimeoutSeconds + 5) * 1000)))
    return Application(
        router: router, server: .http1(configuration: http),
        configuration: .init(address: .hostname(host, port: port), serverName: "likeness"),
        onServerRunning: onServerRunning, logger: logger)
}

/// What the API router and the admin router share, built once: the controllers' dependencies
/// (metrics among them), the inference gate, the rate limiter, the drain, the readiness state and
/// the cached template counts.
struct ServiceShared: Sendable {
    let configuration: ServiceConfiguration
    let gallery: Gallery
    let dependencies: ServiceDependencies
    let gate: InferenceGate
    let limiter: RateLimiter
    let drain: ServiceDrain
    let readiness: ReadinessProbe
    let templateCounts: TemplateCountCache
    /// Paces overload refusals once they come faster than clients could mean to retry.
    let refusalPacer = RefusalPacer()

    init(
        configuration: ServiceConfiguration, analyzer: FaceAnalyzer, gallery: Gallery, drain: ServiceDrain,
        analyzerWarmedUp: Bool = false
    ) {
        let metrics = ServiceMetrics()
        let dependencies = ServiceDependencies(
            analyzer: analyzer, gallery: gallery, configuration: configuration, metrics: metrics)
        let workers = max(1, analyzer.workerCount)
        let capacity = configuration.maxInFlight > 0 ? configuration.maxInFlight : workers * 16
        let gate = InferenceGate(
            capacity: capacity, byteBudget: configuration.maxInFlightBytes,
            pixelBudget: configuration.maxInFlightDecodedBytes, workers: workers,
            maxWaiting: configuration.maxWaiting >= 0 ? configuration.maxWaiting : capacity * 4,
            tenantShare: configuration.maxTenantShare)
        let limiter = RateLimiter(rate: configuration.rateLimitPerSecond, burst: configuration.rateLimitBurst)
        self.configuration = configuration
        self.gallery = gallery
        self.dependencies = dependencies
        self.gate = gate
        self.limiter = limiter
        self.drain = drain
        readiness = ReadinessProbe(analyzer: analyzer, gallery: gallery, warm: analyzerWarmedUp)
        templateCounts = TemplateCountCache(gallery: gallery)
    }

    var health: HealthController {
        HealthController(
            dependencies: dependencies, gate: gate, drain: drain, readiness: readiness, templateCounts: templateCounts)
    }
}

/// The router with every route; tests list its routes to hold them to the OpenAPI document.
public func buildRouter(
    configuration: ServiceConfiguration, analyzer: FaceAnalyzer, gallery: Gallery
) -> Router<ServiceRequestContext> {
    buildRouter(configuration: configuration, analyzer: analyzer, gallery: gallery, livenessSessions: nil)
}

/// The same router over `livenessSessions` when given, else sessions that live
/// `configuration.livenessSessionSeconds` on the system clock with random challenges.
func buildRouter(
    configuration: ServiceConfiguration, analyzer: FaceAnalyzer, gallery: Gallery,
    livenessSessions: LivenessSessions?, drain: ServiceDrain = ServiceDrain()
) -> Router<ServiceRequestContext> {
    buildRouter(
        shared: ServiceShared(configuration: configuration, analyzer: analyzer, gallery: gallery, drain: drain),
        livenessSessions: livenessSessions)
}

/// The API router over `shared`.
func buildRouter(shared: ServiceShared, livenessSessions: LivenessSessions?) -> Router<ServiceRequestContext> {
    let configuration = shared.configuration
    let gallery = shared.gallery
    let dependencies = shared.dependencies
    let metrics = dependencies.metrics
    let gate = shared.gate
    let limiter = shared.limiter

    // One gate for every image route, so the bounds hold across all of them.
    let admission = AdmissionMiddleware(
        gate: gate, metrics: metrics, pacer: shared.refusalPacer, maxBodyBytes: configuration.maxBodyBytes,
        queueTimeout: .milliseconds(Int64(configuration.queueTimeoutSeconds * 1000)))
    let router = Router(context: ServiceRequestContext.self)
    let keyCache = APIKeyCache()
    // Outermost, so every response, problems included, carries the request id and is logged.
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: NoStoreMiddleware())
    router.add(middleware: MetricsMiddleware(metrics: metrics))
    router.add(middleware: ProblemMiddleware())
    router.add(middleware: QueryParameterMiddleware())
    // `/metrics` on this port needs a key (and is rate limited like `/v1`); the probes do not.
    let keyed = router.group()
        .add(middleware: BearerAuthMiddleware(gallery: gallery, cache: keyCache))
        .add(middleware: RateLimitMiddleware(limiter: limiter, metrics: metrics))
    shared.health.addRoutes(to: router, keyed: keyed)
    OpenAPIController().addRoutes(to: router)

    let v1 = router.group("v1")
        .add(middleware: BearerAuthMiddleware(gallery: gallery, cache: keyCache))
        .add(middleware: RateLimitMiddleware(limiter: limiter, metrics: metrics))
    let images = v1.group().add(
        middleware: admission)
    FaceController(dependencies: dependencies).addRoutes(to: images)
    SubjectController(dependencies: dependencies).addRoutes(to: v1)
    EnrollmentController(dependencies: dependencies).addRoutes(imageGroup: images)
    SearchController(dependencies: dependencies).addRoutes(imageGroup: images)
    IdentifyController(dependencies: dependencies).addRoutes(imageGroup: images)
    CompareController(dependencies: dependencies).addRoutes(imageGroup: images)
    BatchVerifyController(dependencies: dependencies).addRoutes(imageGroup: images)
    ClusterController(dependencies: dependencies).addRoutes(imageGroup: images)
    RedactController(dependencies: dependencies).addRoutes(imageGroup: images)
    AuditController(dependencies: dependencies).addRoutes(to: v1)
    ReviewController(dependencies: dependencies).addRoutes(to: v1)

    // Liveness sessions are opened by an API key or by the session's own capture token, so they
    // sit outside the bearer middleware; the controller rate-limits each caller itself (the key,
    // or the session's token and its tenant), once it knows which one it is.
    let sessionRoutes = router.group("v1")
    let uploads = sessionRoutes.group().add(
        middleware: admission)
    let sessions = (livenessSessions ?? LivenessSessions(lifetime: configuration.livenessSessionSeconds))
        .over(gallery.store)
    LivenessController(dependencies: dependencies, sessions: sessions, limiter: limiter).addRoutes(
        to: v1, sessionGroup: sessionRoutes, uploadGroup: uploads)
    CaptureController().addRoutes(to: router)
    PagesController().addRoutes(to: router)
    return router
}

/// The admin listener's router over `shared`: `/healthz`, `/readyz` and `/metrics` with its
/// per-tenant series, no key. Its requests are logged but not counted in the metrics, which
/// describe the API port's traffic.
func buildAdminRouter(shared: ServiceShared) -> Router<ServiceRequestContext> {
    let router = Router(context: ServiceRequestContext.self)
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: NoStoreMiddleware())
    router.add(middleware: ProblemMiddleware())
    router.add(middleware: QueryParameterMiddleware())
    shared.health.addAdminRoutes(to: router)
    return router
}
