import Workflows

/// A wall-clock bound on the work of one request, for routes whose cost grows with what the body
/// carries (many images): past it the work is cancelled and the request gets 503 `deadline_exceeded`.
enum WorkDeadline {
    /// The result of `work`, or 503 `deadline_exceeded` once `limit` has passed (the work is
    /// cancelled; it stops at its next cancellation check).
    static func run<T: Sendable>(
        _ limit: Duration, _ what: String, _ work: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await work() }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let result = first else {
                throw Problem(
                    .serviceUnavailable, code: .deadlineExceeded,
                    detail: "\(what) took longer than \(limit); send fewer images per request", extensions: [:],
                    retryAfter: 1)
            }
            return result
        }
    }
}
