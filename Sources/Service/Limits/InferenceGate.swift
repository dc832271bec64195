import Synchronization

/// Bounds the image requests the server works on at once — those running on an inference worker
/// plus those queued for one — by count and by body bytes, with a bounded line of requests
/// waiting to be admitted.
///
/// A waiting request has not had its body read: it stays in the kernel's socket buffers, so a
/// burst costs neither memory nor CPU. A request is refused (503 `overloaded`) when the line is
/// full, or when it waited `timeout` without being admitted.
final class InferenceGate: Sendable {
    let capacity: Int
    let byteBudget: Int
    let workers: Int
    let maxWaiting: Int

    private struct Waiter {
        var id: UInt64
        var bytes: Int
        var continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var requests = 0
        var bytes = 0
        var waiting: [Waiter] = []
        var nextID: UInt64 = 0

        func fits(_ bytes: Int, capacity: Int, budget: Int) -> Bool {
            requests < capacity && (self.bytes + bytes <= budget || requests == 0)
        }
    }

    private let state = Mutex(State())

    init(capacity: Int, byteBudget: Int, workers: Int, maxWaiting: Int) {
        self.capacity = capacity
        self.byteBudget = byteBudget
        self.workers = workers
        self.maxWaiting = maxWaiting
    }

    /// Claims a place for a body of up to `bytes`, waiting up to `timeout` in line; false when
    /// the line is full or the wait ran out.
    func enter(bytes: Int, timeout: Duration) async -> Bool {
        enum Admission {
            case admitted, refused
            case queued(UInt64)
        }
        // Decide under the lock; suspend outside it.
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let admission: Admission = state.withLock { state in
                if state.waiting.isEmpty, state.fits(bytes, capacity: capacity, budget: byteBudget) {
                    state.requests += 1
                    state.bytes += bytes
                    return .admitted
                }
                guard state.waiting.count < maxWaiting else { return .refused }
                state.nextID += 1
                state.waiting.append(Waiter(id: state.nextID, bytes: bytes, continuation: continuation))
                return .queued(state.nextID)
            }
            switch admission {
            case .admitted: continuation.resume(returning: true)
            case .refused: continuation.resume(returning: false)
            case .queued(let id):
                Task {
                    try? await Task.sleep(for: timeout)
                    self.expire(id)
                }
            }
        }
    }

    /// Gives up a waiter's place in line if it is still waiting.
    private func expire(_ id: UInt64) {
        let expired: Waiter? = state.withLock { state in
            guard let position = state.waiting.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiting.remove(at: position)
        }
        expired?.continuation.resume(returning: false)
    }

    func leave(bytes: Int) {
        let admitted: [Waiter] = state.withLock { state in
            state.requests -= 1
            state.bytes -= bytes
            var admitted: [Waiter] = []
            // First come, first served: the head of the line goes first, and nobody overtakes it.
            while let head = state.waiting.first, state.fits(head.bytes, capacity: capacity, budget: byteBudget) {
                state.waiting.removeFirst()
                state.requests += 1
                state.bytes += head.bytes
                admitted.append(head)
            }
            return admitted
        }
        for waiter in admitted { waiter.continuation.resume(returning: true) }
    }

    var count: Int { state.withLock { $0.requests } }
    var waitingCount: Int { state.withLock { $0.waiting.count } }
    /// Requests admitted and waiting for a worker (the rest of those admitted are running).
    var queueDepth: Int { max(0, count - workers) }
}
