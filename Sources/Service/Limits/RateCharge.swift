import Workflows

/// The rate-limit bucket of the request this task serves, so a route can charge one token per
/// image once it has read how many its body carries (the middleware took one for the request).
struct RateCharge: Sendable {
    /// Set by `RateLimitMiddleware`.
    @TaskLocal static var current: RateCharge?

    let limiter: RateLimiter
    let keyID: String
    let metrics: ServiceMetrics

    /// Takes the tokens of `images` images beyond the one already taken, or throws 429
    /// `rate_limited` with `Retry-After` when the bucket cannot cover them all.
    func charge(images: Int) async throws {
        guard images > 1 else { return }
        if let wait = await limiter.take(keyID, count: images - 1) {
            metrics.rejected(reason: "rate_limited")
            throw Problem(
                .tooManyRequests, code: .rateLimited,
                detail:
                    "key \(keyID) is over its limit of \(limiter.rate) images per second (this request carries \(images))",
                extensions: [:], retryAfter: wait)
        }
    }
}
