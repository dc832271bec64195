internal import CLikenessIVF
import VectorIndex
import Foundation

/// FAISS inverted-file index with 8-bit scalar quantisation, for large galleries.
///
/// Chosen over HNSW because it supports removal by id (erasure must reach the index) and keeps
/// about 520 bytes per 512-D template. Searches may run concurrently; additions, removals and
/// training must not overlap with anything else (the owner serialises them).
public final class ApproximateIndex: @unchecked Sendable {
    // @unchecked: FAISS's const search is thread-safe; mutation is documented as exclusive.
    private let handle: OpaquePointer
    public let dimension: Int
    public let lists: Int

    /// An empty index with `lists` inverted lists (about 4·√n suits n templates).
    public init(dimension: Int, lists: Int) throws {
        var out: OpaquePointer?
        try indexCall { lki_ivf_sq8_create(Int32(dimension), Int32(lists), &out, $0, $1) }
        guard let out else { throw IndexError("the index could not be created") }
        handle = out
        self.dimension = dimension
        self.lists = lists
    }

    deinit {
        lki_ivf_free(handle)
    }

    /// About 4·√n inverted lists for n templates, a power of two.
    public static func suggestedLists(for count: Int) -> Int {
        max(16, 1 << Int(log2(4 * Double(max(count, 1)).squareRoot()).rounded()))
    }

    /// Sets the threads FAISS may use (process-wide).
    public static func setThreads(_ threads: Int) { lki_ivf_set_threads(Int32(max(1, threads))) }

    public var isTrained: Bool { lki_ivf_is_trained(handle) != 0 }
    public var count: Int { Int(lki_ivf_count(handle)) }
    /// Bytes the index occupies when serialised: codes, ids and centroids.
    public var serializedSize: Int { Int(lki_ivf_serialized_size(handle)) }

    /// Learns the coarse centroids and quantiser ranges from a sample (row-major vectors).
    public func train(_ vectors: [Float]) throws {
        try indexCall { lki_ivf_train(handle, vectors, Int64(vectors.count / dimension), $0, $1) }
    }

    public func add(_ vectors: [Float], ids: [Int64]) throws {
        precondition(vectors.count == ids.count * dimension, "one id per vector")
        try indexCall { lki_ivf_add(handle, vectors, ids, Int64(ids.count), $0, $1) }
    }

    @discardableResult
    public func remove(ids: [Int64]) throws -> Int {
        var removed: Int64 = 0
        try indexCall { lki_ivf_remove(handle, ids, Int64(ids.count), &removed, $0, $1) }
        return Int(removed)
    }

    /// The k best hits for each query, visiting `probes` lists.
    public func search(_ queries: [Float], k: Int, probes: Int) throws -> [[SearchHit]] {
        let count = queries.count / dimension
        var scores = [Float](repeating: 0, count: count * k)
        var ids = [Int64](repeating: -1, count: count * k)
        try indexCall { error, capacity in
            scores.withUnsafeMutableBufferPointer { s in
                ids.withUnsafeMutableBufferPointer { i in
                    lki_ivf_search(
                        handle, queries, Int64(count), Int32(k), Int32(probes), s.baseAddress, i.baseAddress, error,
                        capacity)
                }
            }
        }
        return (0..<count).map { q in
            (0..<k).compactMap { j in
                ids[q * k + j] < 0 ? nil : SearchHit(id: ids[q * k + j], similarity: scores[q * k + j])
            }
        }
    }
}
