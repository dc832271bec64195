import Hummingbird

/// Admits an image request through the inference gate, or answers 503 `overloaded` with `Retry-After`.
struct AdmissionMiddleware: RouterMiddleware {
    typealias Context = ServiceRequestContext
    let gate: InferenceGate
    let metrics: ServiceMetrics

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard gate.enter() else {
            metrics.rejected(reason: "overloaded")
            throw Problem(
                .serviceUnavailable, code: "overloaded",
                detail: "the server is busy (\(gate.capacity) image requests in flight); retry shortly",
                extensions: [:],
                retryAfter: 1)
        }
        defer { gate.leave() }
        return try await next(request, context)
    }
}
