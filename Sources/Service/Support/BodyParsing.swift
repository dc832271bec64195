import Dispatch
import Foundation
import Synchronization

/// Runs the parsing of large request bodies on a few dedicated threads instead of the cooperative
/// pool, so twelve large JSON bodies being decoded at once cannot keep `/healthz` (or any other
/// route's async work) waiting for a thread.
enum BodyParsing {
    /// Bodies smaller than this are parsed where they were read: a thread hop would cost more.
    static let inlineLimit = 128 * 1024

    /// As many lanes as half the cores (at least one): the rest stay free for serving requests.
    private static let lanes: [DispatchQueue] = (0..<max(1, ProcessInfo.processInfo.activeProcessorCount / 2)).map {
        DispatchQueue(label: "likeness.body-parsing.\($0)", qos: .userInitiated)
    }
    private static let next = Atomic<Int>(0)

    /// The result of `parse`, run inline for a small body and on a parsing lane for a large one.
    static func run<T: Sendable>(bytes: Int, _ parse: @escaping @Sendable () throws -> T) async throws -> T {
        guard bytes >= inlineLimit else { return try parse() }
        let lane = lanes[next.wrappingAdd(1, ordering: .relaxed).oldValue % lanes.count]
        return try await withCheckedThrowingContinuation { continuation in
            lane.async { continuation.resume(with: Result { try parse() }) }
        }
    }
}
