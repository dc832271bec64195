import Synchronization

/// A bound on the inference-worker time one piece of work may use, summed over every worker it
/// runs on.
///
/// Only time on a worker counts: waiting in line for one holds no worker and costs nothing, so on
/// a busy server a budget never refuses work for the load others cause (a wall-clock deadline
/// would). Bind a budget with `run(limit:_:)`; each inference started inside it is charged to it,
/// and once it is spent the next inference throws `FaceKitError` `inference_budget_exceeded`.
public final class InferenceBudget: Sendable {
    /// The worker time allowed.
    public let limit: Duration
    private let spentTime = Mutex<Duration>(.zero)

    init(limit: Duration) {
        self.limit = limit
    }

    /// The worker time charged so far.
    public var spent: Duration { spentTime.withLock { $0 } }

    @TaskLocal static var current: InferenceBudget?

    /// Runs `work` with every inference it starts charged to a new budget of `limit`.
    public static func run<T>(limit: Duration, _ work: () async throws -> T) async rethrows -> T {
        try await $current.withValue(InferenceBudget(limit: limit)) { try await work() }
    }

    /// Throws once the budget is spent: checked before each inference, so work in progress
    /// finishes and the next one is refused.
    func checkRemaining() throws {
        let spent = self.spent
        guard spent < limit else {
            throw FaceKitError(
                .inferenceBudgetExceeded,
                "the work needed more than \(Self.describe(limit)) of inference (\(Self.describe(spent)) used)")
        }
    }

    func charge(_ time: Duration) {
        spentTime.withLock { $0 += time }
    }

    private static func describe(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return seconds >= 1 ? "\(Int(seconds.rounded())) s" : "\(Int((seconds * 1000).rounded())) ms"
    }
}
