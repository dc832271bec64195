import Synchronization

/// Bounds the image requests the server holds at once: those running on an inference worker
/// plus those waiting for one.
///
/// A request past the bound is refused at once (503 `overloaded`), before its body is read, so
/// memory stays bounded by `capacity` × the body limit whatever the load.
final class InferenceGate: Sendable {
    let capacity: Int
    let workers: Int
    private let inFlight = Atomic<Int>(0)

    init(capacity: Int, workers: Int) {
        self.capacity = capacity
        self.workers = workers
    }

    /// Claims a place; false when the gate is full.
    func enter() -> Bool {
        while true {
            let current = inFlight.load(ordering: .relaxed)
            guard current < capacity else { return false }
            if inFlight.compareExchange(expected: current, desired: current + 1, ordering: .acquiringAndReleasing)
                .exchanged
            {
                return true
            }
        }
    }

    func leave() { inFlight.subtract(1, ordering: .acquiringAndReleasing) }

    var count: Int { inFlight.load(ordering: .relaxed) }
    /// Requests waiting for a worker (the rest of those in flight are running).
    var queueDepth: Int { max(0, count - workers) }
}
