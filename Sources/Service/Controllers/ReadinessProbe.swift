import FaceKit
import Gallery
import Synchronization

/// Whether the server is ready, answered from state: `/readyz` never queues work on the
/// inference workers, and the store is asked at most once per `storeMaxAge` whatever the rate of
/// probes.
///
/// The model pack is warmed up once (`likeness serve` does it before it listens and says so with
/// `warm`; otherwise the first probe does it), then readiness is a flag. The store's health
/// is the result of its last check, kept for `storeMaxAge`; one check runs at a time, and a probe
/// waits for it at most `storeTimeout` before answering "not ready".
actor ReadinessProbe {
    /// What a probe found.
    enum State: Equatable, Sendable {
        case ready
        case modelsUnavailable
        case storeUnavailable
        case storeTimedOut
    }

    private let analyzer: FaceAnalyzer
    private let gallery: Gallery
    private let storeMaxAge: Duration
    private let storeTimeout: Duration
    private var warm = false
    private var warmUp: Task<Bool, Never>?
    private var warmUpFailedAt: ContinuousClock.Instant?
    private var store: (at: ContinuousClock.Instant, ok: Bool)?
    private var storeCheck: Task<Bool, Never>?
    /// Store checks run so far (tests hold the count bounded under many concurrent probes).
    private(set) var storeChecks = 0
    /// Warm-ups run so far, likewise.
    private(set) var warmUps = 0

    init(
        analyzer: FaceAnalyzer, gallery: Gallery, warm: Bool = false, storeMaxAge: Duration = .seconds(2),
        storeTimeout: Duration = .seconds(2)
    ) {
        self.warm = warm
        self.analyzer = analyzer
        self.gallery = gallery
        self.storeMaxAge = storeMaxAge
        self.storeTimeout = storeTimeout
    }

    /// The readiness now: the models first, then the store.
    func check() async -> State {
        guard await modelsReady() else { return .modelsUnavailable }
        return await storeState()
    }

    /// Warms the networks up once; after a failure, again at most once per `storeMaxAge`.
    private func modelsReady() async -> Bool {
        if warm { return true }
        if let warmUpFailedAt, ContinuousClock.now - warmUpFailedAt < storeMaxAge { return false }
        let task: Task<Bool, Never>
        if let warmUp {
            task = warmUp
        } else {
            let analyzer = self.analyzer
            warmUps += 1
            task = Task {
                do {
                    try await analyzer.warmUp()
                    return true
                } catch {
                    return false
                }
            }
            warmUp = task
        }
        let ok = await task.value
        if warmUp == task {
            warmUp = nil
            if ok { warm = true } else { warmUpFailedAt = .now }
        }
        return ok
    }

    /// The last store check when recent enough, else a new one (shared by every waiting probe).
    private func storeState() async -> State {
        if let store, ContinuousClock.now - store.at < storeMaxAge { return store.ok ? .ready : .storeUnavailable }
        let task: Task<Bool, Never>
        if let storeCheck {
            task = storeCheck
        } else {
            storeChecks += 1
            let gallery = self.gallery
            task = Task {
                do {
                    _ = try await gallery.store.tenants()
                    return true
                } catch {
                    return false
                }
            }
            storeCheck = task
            // Recorded by the check itself, so a result that comes after every waiter gave up
            // still counts.
            Task { await self.record(task) }
        }
        let timeout = storeTimeout
        // Whichever comes first, the check's answer or the timeout; the check runs on either way.
        let ok: Bool? = await withCheckedContinuation { continuation in
            let answer = FirstAnswer(continuation)
            Task { answer.resume(await task.value) }
            Task {
                try? await Task.sleep(for: timeout)
                answer.resume(nil)
            }
        }
        guard let ok else { return .storeTimedOut }
        return ok ? .ready : .storeUnavailable
    }

    private func record(_ task: Task<Bool, Never>) async {
        let ok = await task.value
        store = (ContinuousClock.now, ok)
        if storeCheck == task { storeCheck = nil }
    }
}

/// Resumes a continuation with the first value given, and ignores the others.
private final class FirstAnswer<Value: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<Value, Never>?>

    init(_ continuation: CheckedContinuation<Value, Never>) { self.continuation = Mutex(continuation) }

    func resume(_ value: Value) {
        continuation.withLock { pending in
            pending?.resume(returning: value)
            pending = nil
        }
    }
}
