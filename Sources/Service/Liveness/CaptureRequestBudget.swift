import Foundation

/// A token bucket per liveness session for its capture-token holder, so one browser cannot spin a
/// loop of reads or uploads: the capture page needs one read and one upload, an app that polls
/// the state a read a second.
///
/// Buckets are only made for sessions the token opened, and forgotten once full again (an idle
/// session's bucket is the same as none), so the table holds the sessions of the last few seconds,
/// whatever the attacker does. Counted on each node, as the key's rate limit is.
actor CaptureRequestBudget {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    /// Requests per second sustained, and at once.
    let rate: Double
    let burst: Double
    private var buckets: [String: Bucket] = [:]
    /// The table's size after the last pruning; the next comes when it has doubled.
    private var prunedCount = 0
    private let clock = ContinuousClock()

    static let defaultRate = 1.0
    static let defaultBurst = 10.0

    init(rate: Double = CaptureRequestBudget.defaultRate, burst: Double = CaptureRequestBudget.defaultBurst) {
        self.rate = rate
        self.burst = burst
    }

    /// Takes one token for `session`; nil when allowed, else the whole seconds until one is free.
    func take(_ session: String) -> Int? {
        let now = clock.now
        var bucket = buckets[session] ?? Bucket(tokens: burst, updated: now)
        bucket.tokens = refilled(bucket, at: now)
        bucket.updated = now
        defer {
            buckets[session] = bucket
            if buckets.count > max(1_024, 2 * prunedCount) { prune(at: now) }
        }
        guard bucket.tokens >= 1 else { return max(1, Int(((1 - bucket.tokens) / rate).rounded(.up))) }
        bucket.tokens -= 1
        return nil
    }

    /// How many sessions have a bucket (tests).
    var count: Int { buckets.count }

    private func refilled(_ bucket: Bucket, at now: ContinuousClock.Instant) -> Double {
        let elapsed = bucket.updated.duration(to: now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return min(burst, bucket.tokens + seconds * rate)
    }

    /// Forgets the buckets that have refilled.
    private func prune(at now: ContinuousClock.Instant) {
        buckets = buckets.filter { refilled($0.value, at: now) < burst }
        prunedCount = buckets.count
    }
}
