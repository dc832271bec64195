import Foundation
import Workflows

/// A one-line progress bar on stderr, redrawn in place on a terminal and at most every 2 s otherwise.
final class ProgressLine: @unchecked Sendable {
    // @unchecked: `show` is called from one task at a time (the workflow reports in order);
    // the lock makes a stray concurrent call safe anyway.
    private let enabled: Bool
    private let terminal = isatty(2) == 1
    private let lock = NSLock()
    private var last = ContinuousClock.now - .seconds(10)
    private var drawn = false

    init(enabled: Bool) {
        self.enabled = enabled
    }

    func show(_ progress: FootageProgress) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = ContinuousClock.now
        guard now - last >= (terminal ? .milliseconds(200) : .seconds(2)) else { return }
        last = now
        var text = "\(progress.stage): frame \(progress.frame)"
        if let total = progress.total, total > 0 {
            let share = min(1, Double(progress.frame) / Double(total))
            let filled = Int((share * 24).rounded())
            text =
                "\(progress.stage): [\(String(repeating: "#", count: filled))\(String(repeating: ".", count: 24 - filled))] "
                + "\(progress.frame)/\(total)"
        }
        text += String(format: "  %.1f fps", progress.framesPerSecond)
        FileHandle.standardError.write(Data(((terminal ? "\r\u{1B}[K" : "") + text + (terminal ? "" : "\n")).utf8))
        drawn = terminal
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        drawn = false
    }
}
