/// Brute-force inner-product search over templates kept in one contiguous array.
///
/// Exact, and fast enough for small galleries (a 512-D dot product per template, with SIMD).
public struct ExactIndex: Sendable {
    public let dimension: Int
    private var ids: [Int64] = []
    private var vectors: [Float] = []
    private var positions: [Int64: Int] = [:]

    public init(dimension: Int) {
        self.dimension = dimension
    }

    public var count: Int { ids.count }

    /// Adds or replaces the template with this id.
    public mutating func add(id: Int64, vector: [Float]) {
        precondition(vector.count == dimension, "template dimension mismatch")
        if let position = positions[id] {
            vectors.replaceSubrange(position * dimension..<(position + 1) * dimension, with: vector)
            return
        }
        positions[id] = ids.count
        ids.append(id)
        vectors.append(contentsOf: vector)
    }

    /// Removes the template; the last one moves into its place. Returns whether it was present.
    @discardableResult
    public mutating func remove(id: Int64) -> Bool {
        guard let position = positions.removeValue(forKey: id) else { return false }
        let last = ids.count - 1
        if position != last {
            ids[position] = ids[last]
            positions[ids[position]] = position
            for d in 0..<dimension { vectors[position * dimension + d] = vectors[last * dimension + d] }
        }
        ids.removeLast()
        vectors.removeLast(dimension)
        return true
    }

    public func contains(id: Int64) -> Bool { positions[id] != nil }

    /// Every id and its vector (row-major, in the same order).
    public var contents: (ids: [Int64], vectors: [Float]) { (ids, vectors) }

    /// The k most similar templates, best first.
    public func search(_ query: [Float], k: Int) -> [SearchHit] {
        precondition(query.count == dimension, "query dimension mismatch")
        var top = TopK(k: max(1, k))
        let n = dimension
        vectors.withUnsafeBufferPointer { all in
            query.withUnsafeBufferPointer { q in
                for row in 0..<ids.count {
                    let base = row * n
                    var sum = SIMD16<Float>()
                    var d = 0
                    while d + 16 <= n {
                        sum += SIMD16(all[(base + d)..<(base + d + 16)]) * SIMD16(q[d..<(d + 16)])
                        d += 16
                    }
                    var score = sum.sum()
                    while d < n {
                        score += all[base + d] * q[d]
                        d += 1
                    }
                    if score > top.floor { top.offer(SearchHit(id: ids[row], similarity: score)) }
                }
            }
        }
        return top.hits
    }
}
