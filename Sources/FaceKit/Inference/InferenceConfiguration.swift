import Foundation

/// How much parallelism inference uses.
public struct InferenceConfiguration: Sendable, Equatable {
    /// Independent workers, each with its own copy of the networks; images run on them in parallel.
    public var workers: Int
    /// Threads the runtime may use inside one inference call (for OpenCV a process-wide setting).
    public var threadsPerCall: Int
    /// The library that runs the networks.
    public var runtime: InferenceRuntime

    /// One single-threaded worker per core: measured fastest for throughput on two cores
    /// (see docs/benchmarks.md); OpenVINO when it is installed.
    public init(
        workers: Int = ProcessInfo.processInfo.activeProcessorCount, threadsPerCall: Int = 1,
        runtime: InferenceRuntime = .automatic
    ) {
        self.workers = max(1, workers)
        self.threadsPerCall = max(1, threadsPerCall)
        self.runtime = runtime
    }
}
