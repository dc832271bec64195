import Foundation
import Logging

/// Runs the store's purge of erased subjects (`GalleryStore.purgeErased`) in the background,
/// coalescing requests, so that an erasure never waits for it and never fails because of it.
///
/// - `request()` starts a run unless one is running; requests that arrive during a run are all
///   covered by exactly one more run after it (a run started after a request covers every
///   erasure committed before that request).
/// - A run that throws, or that reports subjects left unpurged (a reader or an old snapshot in
///   the way), is logged and tried again after a delay that starts at `initialBackoff` and
///   doubles up to `maximumBackoff`, until a run purges everything. A new request during that
///   delay runs at once (the backoff itself keeps growing until a run succeeds).
/// - `purgeNow()` is one attempt for the caller to await (the SQLite erasure tries inline, so its
///   receipt can usually say `purged`); when it does not purge everything, a background retry is
///   scheduled, so the caller may ignore its failure.
/// - Runs never overlap, whoever started them.
public actor ErasurePurger {
    /// What the purger has done and has left to do.
    public struct Status: Sendable, Equatable {
        /// When the last run that left no erased subject unpurged started.
        public var lastSuccess: Date?
        /// When the last run started, whatever its outcome.
        public var lastAttempt: Date?
        /// The last run's error, if it threw; nil once a run completes without throwing.
        public var lastError: String?
        /// Whether a run is in progress.
        public var running: Bool
        /// Whether a run is in progress or owed (requested, or a retry after a failure).
        public var pending: Bool
        /// When the next retry is due, while waiting after a failed or unfinished run.
        public var nextRetry: Date?
        /// Runs that threw or left subjects unpurged since the last complete one.
        public var consecutiveFailures: Int
        /// Every run so far.
        public var runs: Int
    }

    /// One purge: true when no erased subject is left unpurged.
    public typealias Purge = @Sendable () async throws -> Bool

    private let purge: Purge
    private let logger: Logger
    private let initialBackoff: Duration
    private let maximumBackoff: Duration
    /// Keeps runs from overlapping: the background loop's and `purgeNow`'s.
    private let gate = WriterLock()

    private var worker: Task<Void, Never>?
    /// A run is owed by the worker.
    private var requested = false
    /// The earliest time of the worker's next run (after a failure), unless a request comes.
    private var notBefore: ContinuousClock.Instant?
    /// The worker's wait for `notBefore`, cancelled by a request.
    private var sleeper: Task<Void, Never>?
    /// Attempts in progress or waiting at the gate.
    private var attempts = 0
    private var stopped = false
    private var idleWaiters: [UInt64: CheckedContinuation<Bool, Never>] = [:]
    /// The timeouts of bounded waits, cancelled when the wait ends first.
    private var timers: [UInt64: Task<Void, Never>] = [:]
    private var nextWaiterID: UInt64 = 0
    private var current = Status(running: false, pending: false, consecutiveFailures: 0, runs: 0)

    /// A purger that calls `purge` for each run.
    public init(
        logger: Logger, initialBackoff: Duration = .seconds(1), maximumBackoff: Duration = .seconds(60),
        purge: @escaping Purge
    ) {
        self.purge = purge
        self.logger = logger
        self.initialBackoff = initialBackoff
        self.maximumBackoff = max(initialBackoff, maximumBackoff)
    }

    /// A purger of `store`'s erased subjects.
    public init(
        store: any GalleryStore, logger: Logger, initialBackoff: Duration = .seconds(1),
        maximumBackoff: Duration = .seconds(60)
    ) {
        self.init(logger: logger, initialBackoff: initialBackoff, maximumBackoff: maximumBackoff) {
            try await store.purgeErased()
        }
    }

    public var status: Status {
        var status = current
        status.pending = requested || attempts > 0
        return status
    }

    /// Whether nothing is running or owed.
    public var isIdle: Bool { worker == nil && attempts == 0 }

    /// Asks for a purge in the background; returns at once.
    public func request() {
        guard !stopped else { return }
        requested = true
        if sleeper != nil {
            // A new erasure is worth an attempt now rather than at the end of the backoff.
            notBefore = nil
            sleeper?.cancel()
        }
        if worker == nil {
            worker = Task { await self.work() }
        }
    }

    /// One purge now, after any run in progress; on failure or with subjects left unpurged, a
    /// background retry is scheduled (with backoff) before this returns or throws.
    public func purgeNow() async throws -> Bool {
        try await attempt()
    }

    /// Returns when no run is in progress or owed: at once when idle, never while runs keep
    /// failing (use `waitUntilIdle(timeout:)` where that matters).
    public func waitUntilIdle() async {
        _ = await waitUntilIdle(timeout: nil)
    }

    /// Waits at most `timeout` for the purger to become idle; returns whether it is.
    @discardableResult
    public func waitUntilIdle(timeout: Duration?) async -> Bool {
        if isIdle { return true }
        nextWaiterID += 1
        let id = nextWaiterID
        if let timeout {
            timers[id] = Task {
                try? await Task.sleep(for: timeout)
                self.timeOut(id)
            }
        }
        return await withCheckedContinuation { idleWaiters[id] = $0 }
    }

    /// Stops scheduling runs: a run in progress finishes, owed runs and retries are dropped.
    /// Later requests are ignored.
    public func shutdown() async {
        stopped = true
        requested = false
        notBefore = nil
        sleeper?.cancel()
        await worker?.value
        notifyIfIdle()
    }

    // MARK: -

    private func work() async {
        while requested, !stopped {
            if let due = notBefore {
                let wait = Task<Void, Never> { _ = try? await Task.sleep(until: due, clock: .continuous) }
                sleeper = wait
                await wait.value
                sleeper = nil
                notBefore = nil
                current.nextRetry = nil
                if stopped { break }
            }
            requested = false
            _ = try? await attempt()  // a failure is logged, and a retry scheduled, by attempt()
        }
        worker = nil
        notifyIfIdle()
    }

    /// A retry of the worker after the current backoff, unless one is owed already.
    private func scheduleRetry() {
        guard !stopped else { return }
        let exponent = min(max(current.consecutiveFailures - 1, 0), 30)
        var delay = initialBackoff * (1 << exponent)
        if delay > maximumBackoff { delay = maximumBackoff }
        if !requested {
            requested = true
            notBefore = ContinuousClock.now + delay
            current.nextRetry = Date().addingTimeInterval(
                Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18)
        }
        if worker == nil {
            worker = Task { await self.work() }
        }
    }

    /// One run through the gate, with its outcome recorded and logged, and a retry scheduled
    /// unless it purged everything (before the purger can look idle).
    private func attempt() async throws -> Bool {
        attempts += 1
        defer {
            attempts -= 1
            notifyIfIdle()
        }
        let purge = purge
        do {
            let purged = try await gate.withLock {
                await self.started()
                do {
                    let purged = try await purge()
                    await self.finished(purged: purged, error: nil)
                    return purged
                } catch {
                    await self.finished(purged: false, error: error)
                    throw error
                }
            }
            if !purged { scheduleRetry() }
            return purged
        } catch {
            scheduleRetry()
            throw error
        }
    }

    private func started() {
        current.running = true
        current.runs += 1
        current.lastAttempt = Date()
    }

    private func finished(purged: Bool, error: (any Error)?) {
        current.running = false
        if purged {
            if current.consecutiveFailures > 0 {
                logger.info(
                    "erased subjects purged after earlier attempts failed",
                    metadata: ["attempts": "\(current.consecutiveFailures + 1)"])
            }
            current.consecutiveFailures = 0
            current.lastError = nil
            current.lastSuccess = current.lastAttempt
            return
        }
        current.consecutiveFailures += 1
        if let error {
            let message = (error as? GalleryError)?.message ?? String(describing: error)
            current.lastError = message
            logger.warning(
                "purging erased subjects failed; will retry",
                metadata: ["reason": "\(message)", "failures": "\(current.consecutiveFailures)"])
        } else {
            current.lastError = nil
            logger.notice(
                "erased subjects are not all purged yet (a reader or an older snapshot is in the way); will retry",
                metadata: ["failures": "\(current.consecutiveFailures)"])
        }
    }

    private func notifyIfIdle() {
        guard isIdle || stopped && attempts == 0 else { return }
        let waiters = idleWaiters
        idleWaiters = [:]
        for timer in timers.values { timer.cancel() }
        timers = [:]
        for waiter in waiters.values { waiter.resume(returning: true) }
    }

    private func timeOut(_ id: UInt64) {
        timers[id] = nil
        idleWaiters.removeValue(forKey: id)?.resume(returning: isIdle)
    }
}
