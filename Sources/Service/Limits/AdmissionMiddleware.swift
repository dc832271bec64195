import Hummingbird
import Workflows

/// Admits an image request through the inference gate, or answers 503 `overloaded` with `Retry-After`
/// (`OverloadRefusal`: prepared once, and the body is never read; paced under sustained overload).
///
/// Runs after authentication, so the request counts against its tenant's share; a request with
/// no key (a liveness upload under a capture token) counts against the `capture` bucket.
struct AdmissionMiddleware: RouterMiddleware {
    typealias Context = ServiceRequestContext
    let gate: InferenceGate
    let metrics: ServiceMetrics
    let pacer: RefusalPacer
    let maxBodyBytes: Int
    let queueTimeout: Duration

    /// The bucket of requests without an API key.
    static let captureBucket = "capture"

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        // A body of unknown length may grow to the limit, so it reserves the limit.
        let declared = request.headers[.contentLength].flatMap { Int($0) }
        let bytes = min(max(declared ?? maxBodyBytes, 0), maxBodyBytes)
        let tenant = context.apiKey.map { "tenant:\($0.tenantID)" } ?? Self.captureBucket
        guard await gate.enter(bytes: bytes, tenant: tenant, timeout: queueTimeout) else {
            metrics.rejected(reason: "overloaded")
            await pacer.pace()
            return OverloadRefusal.response
        }
        let ticket = AdmissionTicket(gate: gate, tenant: tenant, timeout: queueTimeout)
        defer {
            ticket.releaseAll()
            gate.leave(bytes: bytes, tenant: tenant)
        }
        // The response body is written after this returns; every route here builds its answer
        // in full first, so the decoded pixels are gone by then.
        return try await AdmissionTicket.$current.withValue(ticket) { try await next(request, context) }
    }
}
