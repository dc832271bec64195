internal import CLikenessIndex

/// Full-scan 1:N index for large galleries: every template is scored with 4-bit product-quantised
/// codes by a SIMD table-lookup scan, and the best candidates are re-scored with 8-bit codes.
///
/// Chosen over FAISS's IVF and HNSW after measuring them: a probe's mate is an isolated point
/// among millions of unrelated faces, so partition and graph methods miss it unless they visit
/// most of the gallery, while a scan of 32-byte codes sees everyone in about a millisecond per
/// million. About 550 bytes per 512-D template; removal overwrites the codes. Searches may run
/// concurrently; additions, removals and training must not overlap with anything (the owner
/// serialises them).
public final class ScanIndex: @unchecked Sendable {
    // @unchecked: search only reads; mutation is documented as exclusive.
    private let handle: OpaquePointer
    public let dimension: Int

    /// An empty index; `subquantizers` (even, dividing the dimension) sets the scan codes' size.
    public init(dimension: Int, subquantizers: Int = 64) throws {
        var out: OpaquePointer?
        try indexCall { lki_scan_create(Int32(dimension), Int32(subquantizers), &out, $0, $1) }
        guard let out else { throw IndexError("the index could not be created") }
        handle = out
        self.dimension = dimension
    }

    deinit {
        lki_scan_free(handle)
    }

    public var isTrained: Bool { lki_scan_is_trained(handle) != 0 }
    public var count: Int { Int(lki_scan_count(handle)) }
    /// Bytes held by codes, ids and the id map.
    public var memoryBytes: Int { Int(lki_scan_memory(handle)) }
    /// Whether the AVX2 kernel runs (else the portable one, same results, slower).
    public static var usesAVX2: Bool { lki_scan_uses_avx2() != 0 }
    /// Selects the portable kernel everywhere (tests compare the two).
    public static func forcePortableKernel(_ portable: Bool) { lki_scan_force_portable(portable ? 1 : 0) }

    /// An index trained on an even spread of up to 65,536 of `vectors` (row-major), holding all of them.
    public static func build(_ vectors: [Float], ids: [Int64], dimension: Int, subquantizers: Int = 64) throws
        -> ScanIndex
    {
        let index = try ScanIndex(dimension: dimension, subquantizers: subquantizers)
        try index.train(trainingSample(vectors, dimension: dimension))
        try index.add(vectors, ids: ids)
        return index
    }

    /// Every n-th row, so that at most `rows` rows spread over the whole set are taken.
    public static func trainingSample(_ vectors: [Float], dimension: Int, rows: Int = 65_536) -> [Float] {
        let count = vectors.count / dimension
        let taken = min(count, rows)
        let stride = max(1, count / max(1, taken))
        var sample: [Float] = []
        sample.reserveCapacity(taken * dimension)
        for row in Swift.stride(from: 0, to: count, by: stride).prefix(taken) {
            sample.append(contentsOf: vectors[(row * dimension)..<((row + 1) * dimension)])
        }
        return sample
    }

    /// Learns the quantisers from a sample (row-major; at least 624 vectors).
    public func train(_ vectors: [Float]) throws {
        try indexCall { lki_scan_train(handle, vectors, Int64(vectors.count / dimension), $0, $1) }
    }

    public func add(_ vectors: [Float], ids: [Int64]) throws {
        precondition(vectors.count == ids.count * dimension, "one id per vector")
        try indexCall { lki_scan_add(handle, vectors, ids, Int64(ids.count), $0, $1) }
    }

    @discardableResult
    public func remove(ids: [Int64]) -> Int { Int(lki_scan_remove(handle, ids, Int64(ids.count))) }

    /// The k best templates after re-scoring the scan's `candidates` best.
    public func search(_ query: [Float], k: Int, candidates: Int = 64, threads: Int = 1) throws -> [SearchHit] {
        precondition(query.count == dimension, "query dimension mismatch")
        var scores = [Float](repeating: 0, count: k)
        var ids = [Int64](repeating: -1, count: k)
        try indexCall { error, capacity in
            scores.withUnsafeMutableBufferPointer { s in
                ids.withUnsafeMutableBufferPointer { i in
                    lki_scan_search(
                        handle, query, Int32(k), Int32(max(k, candidates)), Int32(max(1, threads)), s.baseAddress,
                        i.baseAddress, error, capacity)
                }
            }
        }
        return (0..<k).compactMap { ids[$0] < 0 ? nil : SearchHit(id: ids[$0], similarity: scores[$0]) }
    }
}
