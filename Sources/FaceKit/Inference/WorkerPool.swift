import Synchronization

/// Hands out idle workers; callers wait (without blocking a thread) when all are busy.
final class WorkerPool: Sendable {
    private struct State {
        var idle: [InferenceWorker]
        var waiting: [CheckedContinuation<InferenceWorker, Never>] = []
    }

    private let state: Mutex<State>
    let size: Int

    init(workers: [InferenceWorker]) {
        precondition(!workers.isEmpty, "a pool needs at least one worker")
        size = workers.count
        state = Mutex(State(idle: workers))
    }

    /// Runs `work` on the next free worker, charged to the task's `InferenceBudget` if it has one.
    func run<T: Sendable>(_ work: @escaping @Sendable (inout NetworkSet) throws -> T) async throws -> T {
        let budget = InferenceBudget.current
        try budget?.checkRemaining()
        let worker = await acquire()
        defer { release(worker) }
        guard let budget else { return try await worker.run(work) }
        return try await worker.run { networks in
            let start = ContinuousClock.now
            defer { budget.charge(ContinuousClock.now - start) }
            return try work(&networks)
        }
    }

    private func acquire() async -> InferenceWorker {
        await withCheckedContinuation { continuation in
            let worker: InferenceWorker? = state.withLock { state in
                if let worker = state.idle.popLast() { return worker }
                state.waiting.append(continuation)
                return nil
            }
            if let worker { continuation.resume(returning: worker) }
        }
    }

    private func release(_ worker: InferenceWorker) {
        let next: CheckedContinuation<InferenceWorker, Never>? = state.withLock { state in
            if state.waiting.isEmpty {
                state.idle.append(worker)
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume(returning: worker)
    }
}
