import Foundation

/// A one-line progress bar on stderr, drawn only when stderr is a terminal.
package final class ProgressBar: @unchecked Sendable {
    // @unchecked: all mutable state is guarded by `lock`.
    private let total: Int
    private let label: String
    private let enabled: Bool
    private let lock = NSLock()
    private var done = 0
    private var lastDrawn = ContinuousClock.now
    private let start = ContinuousClock.now

    package init(total: Int, label: String) {
        self.total = max(1, total)
        self.label = label
        enabled = isatty(STDERR_FILENO) == 1
    }

    package func advance() {
        lock.lock()
        defer { lock.unlock() }
        done += 1
        guard enabled else { return }
        let now = ContinuousClock.now
        guard done == total || now - lastDrawn > .milliseconds(100) else { return }
        lastDrawn = now
        let fraction = Double(done) / Double(total)
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let elapsed = Double((now - start).components.seconds) + Double((now - start).components.attoseconds) / 1e18
        let eta = fraction > 0 ? elapsed / fraction - elapsed : 0
        let line = String(format: "\r%@ %@ %d/%d %3.0f%% eta %.0fs ", label, bar, done, total, fraction * 100, eta)
        FileHandle.standardError.write(Data(line.utf8))
    }

    package func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
