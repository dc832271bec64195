import Foundation
import Synchronization

/// A first-come, first-served async lock: one holder at a time, waiters in arrival order.
///
/// SQLite transactions span several awaits on one writer connection, so a second writer of the
/// same store must wait for COMMIT rather than interleave its statements into the first's.
actor WriterLock {
    private static let registry = Mutex<[String: WriterLock]>([:])

    /// The one lock of the database file at `path` in this process.
    static func shared(for path: String) -> WriterLock {
        let key = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        return registry.withLock { locks in
            if let lock = locks[key] { return lock }
            let lock = WriterLock()
            locks[key] = lock
            return lock
        }
    }

    private var held = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// Runs `body` while holding the lock, releasing it whether `body` returns or throws.
    func withLock<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await lock()
        do {
            let value = try await body()
            unlock()
            return value
        } catch {
            unlock()
            throw error
        }
    }

    private func lock() async {
        guard held else {
            held = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    /// Hands the lock to the next waiter, if any, so it never appears free in between.
    private func unlock() {
        if waiters.isEmpty {
            held = false
        } else {
            waiters.removeFirst().resume()
        }
    }
}
