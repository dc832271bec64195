import Synchronization

/// Bounds the image requests the server holds at once — those running on an inference worker
/// plus those waiting for one — by count and by body bytes.
///
/// A request past either bound is refused at once (503 `overloaded`), before its body is read,
/// so memory stays bounded by `byteBudget` whatever the load, and waiting stays bounded by
/// `capacity` requests.
final class InferenceGate: Sendable {
    let capacity: Int
    let byteBudget: Int
    let workers: Int
    private let state = Mutex<(requests: Int, bytes: Int)>((0, 0))

    init(capacity: Int, byteBudget: Int, workers: Int) {
        self.capacity = capacity
        self.byteBudget = byteBudget
        self.workers = workers
    }

    /// Claims a place for a body of up to `bytes`; false when the gate is full.
    func enter(bytes: Int) -> Bool {
        state.withLock { state in
            guard state.requests < capacity, state.bytes + bytes <= byteBudget || state.requests == 0 else {
                return false
            }
            state.requests += 1
            state.bytes += bytes
            return true
        }
    }

    func leave(bytes: Int) {
        state.withLock { state in
            state.requests -= 1
            state.bytes -= bytes
        }
    }

    var count: Int { state.withLock { $0.requests } }
    var bytesHeld: Int { state.withLock { $0.bytes } }
    /// Requests waiting for a worker (the rest of those in flight are running).
    var queueDepth: Int { max(0, count - workers) }
}
