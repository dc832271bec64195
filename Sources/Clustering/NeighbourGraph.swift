import Foundation
import VectorIndex

/// The k nearest neighbours of every face, found with the gallery's indexes.
///
/// Exact SIMD search up to `exactBelow` faces; above, the scan index (4-bit codes, re-scored),
/// which keeps building the graph near-linear in practice: one full scan per face, but a scan of
/// 32-byte codes. Rows are searched on several threads.
public enum NeighbourGraph {
    /// For each row, up to `k` other rows with their similarity, best first.
    public static func build(
        vectors: [Float], dimension: Int, k: Int, exactBelow: Int = 20_000,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount
    ) throws -> [[SearchHit]] {
        let count = vectors.count / dimension
        guard count > 1 else { return Array(repeating: [], count: count) }
        func row(_ r: Int) -> [Float] { Array(vectors[(r * dimension)..<((r + 1) * dimension)]) }
        let search: @Sendable (Int) throws -> [SearchHit]
        if count <= exactBelow {
            var exact = ExactIndex(dimension: dimension)
            for r in 0..<count { exact.add(id: Int64(r), vector: row(r)) }
            let index = exact
            search = { r in index.search(Array(vectors[(r * dimension)..<((r + 1) * dimension)]), k: k + 1) }
        } else {
            let index = try ScanIndex.build(vectors, ids: (0..<count).map(Int64.init), dimension: dimension)
            search = { r in
                try index.search(Array(vectors[(r * dimension)..<((r + 1) * dimension)]), k: k + 1, candidates: 64)
            }
        }
        let results = ResultSlots(count: count)
        let workers = max(1, min(threads, count))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var r = worker
            while r < count {
                do {
                    results.set(r, try search(r).filter { $0.id != Int64(r) }.prefix(k).map { $0 })
                } catch {
                    results.fail(error)
                }
                r += workers
            }
        }
        if let error = results.error { throw error }
        return results.values
    }
}

/// Per-row results written by several threads, each to its own rows.
private final class ResultSlots: @unchecked Sendable {
    // @unchecked: every row is written by exactly one thread and read after all have finished;
    // the first error is kept under a lock.
    private var storage: [[SearchHit]]
    private let lock = NSLock()
    private(set) var error: (any Error)?
    init(count: Int) { storage = Array(repeating: [], count: count) }
    func fail(_ error: any Error) { lock.withLock { if self.error == nil { self.error = error } } }
    func set(_ row: Int, _ hits: [SearchHit]) { storage.withUnsafeMutableBufferPointer { $0[row] = hits } }
    var values: [[SearchHit]] { storage }
}
