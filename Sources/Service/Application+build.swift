import FaceKit
import Gallery
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// The HTTP application: routes, authentication, limits, metrics, logs and the problem+json mapping.
///
/// `likeness serve` runs it; tests call it too, through HummingbirdTesting. `logger` is the one
/// every request logs through (tests pass a capturing one).
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
    let router = buildRouter(
        configuration: configuration, analyzer: analyzer, gallery: gallery, livenessSessions: livenessSessions,
        drain: drain)
    var http = HTTP1Channel.Configuration()
    // Idle connections close a little after the request timeout, so a stalled body gets its 408
    // answer before the connection is dropped.
    http.idleTimeout = .milliseconds(Int64((configuration.requestTimeoutSeconds + 5) * 1000))
    return Application(
        router: router, server: .http1(configuration: http),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "likeness"),
        logger: logger)
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
    let metrics = ServiceMetrics()
    let dependencies = ServiceDependencies(
        analyzer: analyzer, gallery: gallery, configuration: configuration, metrics: metrics)
    let workers = max(1, analyzer.workerCount)
    let capacity = configuration.maxInFlight > 0 ? configuration.maxInFlight : workers * 16
    let gate = InferenceGate(
        capacity: capacity, byteBudget: configuration.maxInFlightBytes, workers: workers,
        maxWaiting: configuration.maxWaiting >= 0 ? configuration.maxWaiting : capacity * 4)
    let limiter = RateLimiter(rate: configuration.rateLimitPerSecond, burst: configuration.rateLimitBurst)

    // One gate for every image route, so the bounds hold across all of them.
    let admission = AdmissionMiddleware(
        gate: gate, metrics: metrics, maxBodyBytes: configuration.maxBodyBytes,
        queueTimeout: .milliseconds(Int64(configuration.queueTimeoutSeconds * 1000)))
    let router = Router(context: ServiceRequestContext.self)
    // Outermost, so every response, problems included, carries the request id and is logged.
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: NoStoreMiddleware())
    router.add(middleware: MetricsMiddleware(metrics: metrics))
    router.add(middleware: ProblemMiddleware())
    router.add(middleware: QueryParameterMiddleware())
    HealthController(dependencies: dependencies, gate: gate, drain: drain).addRoutes(to: router)
    OpenAPIController().addRoutes(to: router)

    let v1 = router.group("v1")
        .add(middleware: BearerAuthMiddleware(gallery: gallery))
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

    // Liveness sessions are opened by an API key or by the session's own capture token.
    let sessionRoutes = router.group("v1")
    let uploads = sessionRoutes.group().add(
        middleware: admission)
    let sessions = (livenessSessions ?? LivenessSessions(lifetime: configuration.livenessSessionSeconds))
        .over(gallery.store)
    LivenessController(dependencies: dependencies, sessions: sessions).addRoutes(
        to: v1, sessionGroup: sessionRoutes, uploadGroup: uploads)
    CaptureController().addRoutes(to: router)
    PagesController().addRoutes(to: router)
    return router
}
