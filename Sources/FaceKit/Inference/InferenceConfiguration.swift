import Foundation

/// How much parallelism inference uses.
public struct InferenceConfiguration: Sendable, Equatable {
    /// Independent workers, each with its own copy of the networks; images run on them in parallel.
    public var workers: Int
    /// Threads OpenCV may use inside one inference call (a process-wide OpenCV setting).
    public var threadsPerCall: Int

    /// One single-threaded worker per core: measured fastest for throughput on two cores
    /// (see docs/benchmarks.md).
    public init(workers: Int = ProcessInfo.processInfo.activeProcessorCount, threadsPerCall: Int = 1) {
        self.workers = max(1, workers)
        self.threadsPerCall = max(1, threadsPerCall)
    }
}
