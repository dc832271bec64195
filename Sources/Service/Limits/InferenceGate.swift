import Synchronization

/// Bounds the image requests the server works on at once — those running on an inference worker
/// plus those queued for one — by count, by body bytes and by decoded pixel bytes, with a bounded
/// line of requests waiting to be admitted, and gives each tenant at most a share of each bound.
///
/// A waiting request has not had its body read: it stays in the kernel's socket buffers, so a
/// burst costs neither memory nor CPU. A request is refused (503 `overloaded`) when the line (or
/// its tenant's share of it) is full, or when it waited `timeout` without being admitted. Once its
/// body is read, a request reserves the bytes its images decode to (`reservePixels`) before any is
/// decoded, so decoded images never pile up beyond the pixel budget.
final class InferenceGate: Sendable {
    let capacity: Int
    let byteBudget: Int
    /// Bytes of decoded pixels (width × height × 3, plus working copies) held at once.
    let pixelBudget: Int
    let workers: Int
    let maxWaiting: Int
    /// The fraction of each bound one tenant may hold (1 = no per-tenant bound).
    let tenantShare: Double

    /// One tenant's bounds: its share of each of the gate's.
    struct Share: Equatable {
        var requests: Int
        var bytes: Int
        var pixels: Int
        var waiting: Int
    }

    let share: Share

    private struct Usage {
        var requests = 0
        var bytes = 0
        var pixels = 0
        var waiting = 0
        var isIdle: Bool { requests == 0 && bytes == 0 && pixels == 0 && waiting == 0 }
    }

    private struct Waiter {
        var id: UInt64
        var tenant: String
        var amount: Int
        var continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var requests = 0
        var bytes = 0
        var pixels = 0
        var tenants: [String: Usage] = [:]
        var waiting: [Waiter] = []
        var pixelWaiting: [Waiter] = []
        var nextID: UInt64 = 0

        func fitsGate(_ bytes: Int, capacity: Int, budget: Int) -> Bool {
            requests < capacity && (self.bytes + bytes <= budget || requests == 0)
        }

        func fitsTenant(_ tenant: String, bytes: Int, share: Share) -> Bool {
            let usage = tenants[tenant] ?? Usage()
            return usage.requests < share.requests && (usage.bytes + bytes <= share.bytes || usage.requests == 0)
        }

        // One reservation always succeeds when nothing else holds pixels (gate-wide, or in the
        // tenant's share), as one request is always admitted when none is in flight.
        func fitsPixels(_ amount: Int, tenant: String, budget: Int, share: Share) -> Bool {
            let usage = tenants[tenant] ?? Usage()
            return (pixels + amount <= budget || pixels == 0)
                && (usage.pixels + amount <= share.pixels || usage.pixels == 0)
        }

        mutating func update(_ tenant: String, _ change: (inout Usage) -> Void) {
            var usage = tenants[tenant] ?? Usage()
            change(&usage)
            tenants[tenant] = usage.isIdle ? nil : usage
        }
    }

    private let state = Mutex(State())

    init(
        capacity: Int, byteBudget: Int, pixelBudget: Int = 400_000_000, workers: Int, maxWaiting: Int,
        tenantShare: Double = 1
    ) {
        self.capacity = capacity
        self.byteBudget = byteBudget
        self.pixelBudget = pixelBudget
        self.workers = workers
        self.maxWaiting = maxWaiting
        self.tenantShare = tenantShare
        func part(_ whole: Int) -> Int { max(1, Int((Double(whole) * tenantShare).rounded(.down))) }
        share = Share(
            requests: part(capacity), bytes: part(byteBudget), pixels: part(pixelBudget),
            waiting: maxWaiting == 0 ? 0 : part(maxWaiting))
    }

    /// Claims a place for `tenant`'s body of up to `bytes`, waiting up to `timeout` in line; false
    /// when the line (or the tenant's share of it) is full or the wait ran out.
    func enter(bytes: Int, tenant: String = "", timeout: Duration) async -> Bool {
        enum Admission {
            case admitted, refused
            case queued(UInt64)
        }
        // Decide under the lock; suspend outside it.
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let admission: Admission = state.withLock { state in
                // Nobody overtakes a waiter that only the gate-wide bounds hold back; waiters held
                // back by their own tenant's share do not hold anyone else up.
                let blockedAhead = state.waiting.contains {
                    state.fitsTenant($0.tenant, bytes: $0.amount, share: share)
                }
                if !blockedAhead, state.fitsGate(bytes, capacity: capacity, budget: byteBudget),
                    state.fitsTenant(tenant, bytes: bytes, share: share)
                {
                    state.requests += 1
                    state.bytes += bytes
                    state.update(tenant) {
                        $0.requests += 1
                        $0.bytes += bytes
                    }
                    return .admitted
                }
                guard state.waiting.count < maxWaiting, (state.tenants[tenant]?.waiting ?? 0) < share.waiting
                else { return .refused }
                state.nextID += 1
                state.waiting.append(
                    Waiter(id: state.nextID, tenant: tenant, amount: bytes, continuation: continuation))
                state.update(tenant) { $0.waiting += 1 }
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
            if let position = state.waiting.firstIndex(where: { $0.id == id }) {
                let waiter = state.waiting.remove(at: position)
                state.update(waiter.tenant) { $0.waiting -= 1 }
                return waiter
            }
            if let position = state.pixelWaiting.firstIndex(where: { $0.id == id }) {
                return state.pixelWaiting.remove(at: position)
            }
            return nil
        }
        expired?.continuation.resume(returning: false)
    }

    func leave(bytes: Int, tenant: String = "") {
        let admitted: [Waiter] = state.withLock { state in
            state.requests -= 1
            state.bytes -= bytes
            state.update(tenant) {
                $0.requests -= 1
                $0.bytes -= bytes
            }
            return admitWaiting(&state)
        }
        for waiter in admitted { waiter.continuation.resume(returning: true) }
    }

    /// First come, first served: the line is admitted in order until a waiter the gate-wide
    /// bounds hold back; waiters held back only by their tenant's share are passed over.
    private func admitWaiting(_ state: inout State) -> [Waiter] {
        var admitted: [Waiter] = []
        var index = 0
        while index < state.waiting.count {
            let waiter = state.waiting[index]
            guard state.fitsGate(waiter.amount, capacity: capacity, budget: byteBudget) else { break }
            guard state.fitsTenant(waiter.tenant, bytes: waiter.amount, share: share) else {
                index += 1
                continue
            }
            state.waiting.remove(at: index)
            state.requests += 1
            state.bytes += waiter.amount
            state.update(waiter.tenant) {
                $0.waiting -= 1
                $0.requests += 1
                $0.bytes += waiter.amount
            }
            admitted.append(waiter)
        }
        return admitted
    }

    /// Reserves `amount` bytes of decoded pixels for an admitted request of `tenant`, waiting up
    /// to `timeout`; false when the wait ran out. The caller refuses an amount over the whole
    /// budget itself (it can never be granted alongside anything).
    func reservePixels(_ amount: Int, tenant: String = "", timeout: Duration) async -> Bool {
        guard amount > 0 else { return true }
        enum Grant {
            case granted
            case queued(UInt64)
        }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let grant: Grant = state.withLock { state in
                let blockedAhead = state.pixelWaiting.contains {
                    (state.tenants[$0.tenant]?.pixels ?? 0) + $0.amount <= share.pixels
                        || (state.tenants[$0.tenant]?.pixels ?? 0) == 0
                }
                if !blockedAhead, state.fitsPixels(amount, tenant: tenant, budget: pixelBudget, share: share) {
                    state.pixels += amount
                    state.update(tenant) { $0.pixels += amount }
                    return .granted
                }
                state.nextID += 1
                state.pixelWaiting.append(
                    Waiter(id: state.nextID, tenant: tenant, amount: amount, continuation: continuation))
                return .queued(state.nextID)
            }
            switch grant {
            case .granted: continuation.resume(returning: true)
            case .queued(let id):
                Task {
                    try? await Task.sleep(for: timeout)
                    self.expire(id)
                }
            }
        }
    }

    /// Gives back pixel bytes reserved by `reservePixels`.
    func releasePixels(_ amount: Int, tenant: String = "") {
        guard amount > 0 else { return }
        let granted: [Waiter] = state.withLock { state in
            state.pixels -= amount
            state.update(tenant) { $0.pixels -= amount }
            var granted: [Waiter] = []
            var index = 0
            while index < state.pixelWaiting.count {
                let waiter = state.pixelWaiting[index]
                guard state.pixels + waiter.amount <= pixelBudget || state.pixels == 0 else { break }
                guard state.fitsPixels(waiter.amount, tenant: waiter.tenant, budget: pixelBudget, share: share) else {
                    index += 1
                    continue
                }
                state.pixelWaiting.remove(at: index)
                state.pixels += waiter.amount
                state.update(waiter.tenant) { $0.pixels += waiter.amount }
                granted.append(waiter)
            }
            return granted
        }
        for waiter in granted { waiter.continuation.resume(returning: true) }
    }

    var count: Int { state.withLock { $0.requests } }
    var waitingCount: Int { state.withLock { $0.waiting.count } }
    /// Decoded pixel bytes reserved now.
    var pixelBytes: Int { state.withLock { $0.pixels } }
    /// Requests admitted and waiting for a worker (the rest of those admitted are running).
    var queueDepth: Int { max(0, count - workers) }
}
