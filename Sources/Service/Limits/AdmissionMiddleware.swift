import Hummingbird
import Workflows

/// Admits an image request through the inference gate, or answers 503 `overloaded` with `Retry-After`.
struct AdmissionMiddleware: RouterMiddleware {
    typealias Context = ServiceRequestContext
    let gate: InferenceGate
    let metrics: ServiceMetrics
    let maxBodyBytes: Int
    let queueTimeout: Duration

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        // A body of unknown length may grow to the limit, so it reserves the limit.
        let declared = request.headers[.contentLength].flatMap { Int($0) }
        let bytes = min(max(declared ?? maxBodyBytes, 0), maxBodyBytes)
        guard await gate.enter(bytes: bytes, timeout: queueTimeout) else {
            metrics.rejected(reason: "overloaded")
            throw Problem(
                .serviceUnavailable, code: .overloaded,
                detail:
                    "the server is busy (\(gate.count) image requests in flight, \(gate.waitingCount) waiting); retry shortly",
                extensions: [:],
                retryAfter: 1)
        }
        defer { gate.leave(bytes: bytes) }
        return try await next(request, context)
    }
}
