import HTTPTypes
import Hummingbird
import Logging

/// Names each request and writes one line when it ends: method, route pattern, status, duration
/// and request id.
///
/// It is the outermost middleware, so the id is on every line the request logs and on every
/// response as `X-Request-Id`. Problems are rendered here rather than by Hummingbird, because a
/// thrown error's response cannot be given a header afterwards.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = ServiceRequestContext

    /// Routes probed every few seconds by orchestrators; their successes are logged at debug.
    static let probes: Set<String> = ["/healthz", "/readyz", "/metrics"]

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        var context = context
        // Hummingbird's own `hb.request.id` key, so `context.id` and its lines carry the same id.
        let id = RequestIdentifier.accepted(request.headers[.requestID]) ?? context.id
        context.logger[metadataKey: "hb.request.id"] = .string(id)
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = try Problem.from(error).response(from: request, context: context)
        }
        response.headers[.requestID] = id
        log(request, context: context, status: response.status, duration: ContinuousClock.now - start)
        return response
    }

    /// The request line. Only the matched route pattern is logged: the raw path holds subject
    /// ids and the query string may hold a capture token.
    func log(_ request: Request, context: Context, status: HTTPResponse.Status, duration: Duration) {
        let route = context.endpointPath ?? "unmatched"
        let milliseconds = Double(duration.components.attoseconds) / 1e15 + Double(duration.components.seconds) * 1e3
        let level: Logger.Level =
            if status.code >= 500 {
                .warning
            } else if Self.probes.contains(route) && status.code < 400 {
                .debug
            } else {
                .info
            }
        context.logger.log(
            level: level, "\(request.method.rawValue) \(route) \(status.code)",
            metadata: [
                "http.method": .string(request.method.rawValue),
                "http.route": .string(route),
                "http.status": .stringConvertible(status.code),
                "http.duration_ms": .string(String((milliseconds * 10).rounded() / 10)),
            ])
    }
}
