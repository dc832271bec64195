import Foundation

/// A token bucket per API key: `rate` requests per second sustained, `burst` at once.
actor RateLimiter {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    let rate: Double
    let burst: Double
    private var buckets: [String: Bucket] = [:]
    private let clock = ContinuousClock()

    init(rate: Double, burst: Double) {
        self.rate = rate
        self.burst = burst
    }

    /// Takes `count` tokens for `key` (all or none); nil when allowed, else the seconds until
    /// that many are available.
    func take(_ key: String, count: Int = 1) -> Int? {
        let needed = Double(max(1, count))
        let now = clock.now
        var bucket = buckets[key] ?? Bucket(tokens: burst, updated: now)
        let elapsed = bucket.updated.duration(to: now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        bucket.tokens = min(burst, bucket.tokens + seconds * rate)
        bucket.updated = now
        defer { buckets[key] = bucket }
        guard bucket.tokens >= needed else {
            return max(1, Int(((min(needed, burst) - bucket.tokens) / rate).rounded(.up)))
        }
        bucket.tokens -= needed
        return nil
    }
}
