import FaceKit
import Hummingbird

/// The HTTP application: routes, the problem+json mapping, and the listening address.
///
/// `likeness serve` runs it; tests call it too, through HummingbirdTesting.
public func buildApplication(configuration: ServiceConfiguration, analyzer: FaceAnalyzer) -> some ApplicationProtocol {
    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: ProblemMiddleware())
    HealthController(analyzer: analyzer).addRoutes(to: router)
    FaceController(analyzer: analyzer, configuration: configuration).addRoutes(to: router.group("v1"))
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "likeness"))
}
