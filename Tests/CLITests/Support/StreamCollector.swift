import Foundation
import TestSupport

/// Collects everything a child process writes to one pipe, on a thread of its own, so a test can
/// wait for a given line to appear (with a deadline) instead of sleeping and hoping.
final class StreamCollector: @unchecked Sendable {
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var bytes: [UInt8] = []
    private var ended = false

    init(_ pipe: Pipe) {
        let descriptor = pipe.fileHandleForReading.fileDescriptor
        Thread.detachNewThread { [self] in
            var chunk = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                condition.lock()
                if count > 0 { bytes += chunk[0..<count] } else { ended = true }
                condition.broadcast()
                condition.unlock()
                if count <= 0 { return }
            }
        }
    }

    /// What has arrived so far.
    var text: String {
        condition.lock()
        defer { condition.unlock() }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Waits until `needle` has arrived; false when the stream ended or `timeout` passed first.
    func wait(for needle: String, timeout: TimeInterval) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while true {
            if String(decoding: bytes, as: UTF8.self).contains(needle) { return true }
            if ended || !condition.wait(until: deadline) { return false }
        }
    }

    /// Everything, once the writer has closed its end (the process exited); at most `timeout`.
    func all(timeout: TimeInterval = 60) -> String {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while !ended && condition.wait(until: deadline) {}
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Polls `condition` until it holds or `timeout` passes. The pause between tries only keeps the
/// loop from spinning; the order of events comes from the condition, never from the pause.
func eventually(timeout: TimeInterval, _ condition: () -> Bool) -> Bool {
    let deadline = Date(timeIntervalSinceNow: timeout)
    while Date() < deadline {
        if condition() { return true }
        usleep(20_000)
    }
    return condition()
}
