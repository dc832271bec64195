import Hummingbird
import Workflows

/// Refuses a key's request with 429 `rate_limited` and `Retry-After` once its bucket is empty.
/// A request takes one token here; an image route takes one more per image beyond the first
/// once its body is read (`RateCharge`).
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = ServiceRequestContext
    let limiter: RateLimiter
    let metrics: ServiceMetrics

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let key = try context.requireKey()
        if let wait = await limiter.take(key.id) {
            metrics.rejected(reason: "rate_limited")
            throw Problem(
                .tooManyRequests, code: .rateLimited,
                detail: "key \(key.id) is over its limit of \(limiter.rate) requests per second", extensions: [:],
                retryAfter: wait)
        }
        let charge = RateCharge(limiter: limiter, keyID: key.id, metrics: metrics)
        return try await RateCharge.$current.withValue(charge) { try await next(request, context) }
    }
}
