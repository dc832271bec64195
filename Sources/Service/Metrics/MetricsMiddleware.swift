import Hummingbird

/// Counts every request by matched route (never the raw path, whose ids would explode the
/// label space), method and final status, problems included.
struct MetricsMiddleware: RouterMiddleware {
    typealias Context = ServiceRequestContext
    let metrics: ServiceMetrics

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        let status: Int
        defer {
            metrics.request(
                route: context.endpointPath ?? "unmatched", method: request.method.rawValue, status: status,
                duration: ContinuousClock.now - start)
        }
        do {
            let response = try await next(request, context)
            status = response.status.code
            return response
        } catch {
            let problem = Problem.from(error)
            status = problem.status.code
            throw problem
        }
    }
}
