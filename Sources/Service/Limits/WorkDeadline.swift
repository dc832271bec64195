import FaceKit
import Workflows

/// A bound on the inference one request may use, for routes whose cost grows with what the body
/// carries (many images): past it the work stops and the request gets 503 `deadline_exceeded`.
///
/// The bound is inference-worker time summed over workers (`InferenceBudget`), not time since
/// the request arrived: waiting in line for a worker holds none, and on a busy server a wall-clock
/// deadline would refuse ordinary requests for the load others cause.
enum WorkDeadline {
    /// The result of `work`, or 503 `deadline_exceeded` once it has used `limit` of worker time
    /// (the inference in progress finishes; the next one is refused).
    static func run<T: Sendable>(
        _ limit: Duration, _ what: String, _ work: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        do {
            return try await InferenceBudget.run(limit: limit) { try await work() }
        } catch let error as FaceKitError where error.code == .inferenceBudgetExceeded {
            throw Problem(
                .serviceUnavailable, code: .deadlineExceeded,
                detail: "\(what) needed more than \(limit) of inference; send fewer images per request",
                extensions: [:], retryAfter: 1)
        }
    }
}
