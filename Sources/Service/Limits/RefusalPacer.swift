import Synchronization

/// Holds overload refusals for `Retry-After` once they come faster than `immediatePerSecond`
/// (after a `burst`).
///
/// Most clients resend a refused request at once. On a loaded machine that loop (the client's
/// resend, the server's refusal) takes the CPU the admitted requests need, however cheap each
/// refusal is: at 4× overload on two cores, goodput halved. Under sustained overload each refusal
/// therefore waits `delay` (the 1 s `Retry-After` says anyway) before it is sent, costing a timer
/// and an open connection, not CPU. Occasional refusals, within the rate, are answered at once,
/// and at most `maxHeld` wait together (past that they are answered at once too).
final class RefusalPacer: Sendable {
    let immediatePerSecond: Double
    let burst: Double
    let delay: Duration
    let maxHeld: Int
    private struct State {
        var tokens: Double
        var refilled: ContinuousClock.Instant
        var held = 0
    }
    private let state: Mutex<State>

    init(immediatePerSecond: Double = 20, burst: Double = 20, delay: Duration = .seconds(1), maxHeld: Int = 4096) {
        self.immediatePerSecond = immediatePerSecond
        self.burst = burst
        self.delay = delay
        self.maxHeld = maxHeld
        state = Mutex(State(tokens: burst, refilled: .now))
    }

    /// Returns at once for a refusal within the rate, else after `delay`.
    func pace() async {
        let hold: Bool = state.withLock { state in
            let now = ContinuousClock.now
            let elapsed = now - state.refilled
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            state.tokens = min(burst, state.tokens + seconds * immediatePerSecond)
            state.refilled = now
            if state.tokens >= 1 {
                state.tokens -= 1
                return false
            }
            guard state.held < maxHeld else { return false }
            state.held += 1
            return true
        }
        guard hold else { return }
        // A cancelled wait (the client went away) ends early; the answer is then never read.
        try? await Task.sleep(for: delay)
        state.withLock { $0.held -= 1 }
    }

    /// Refusals waiting now.
    var held: Int { state.withLock { $0.held } }
}
