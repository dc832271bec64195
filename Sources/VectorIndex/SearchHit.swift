/// One result of a 1:N search.
public struct SearchHit: Sendable, Equatable {
    /// The template's id in the index.
    public var id: Int64
    /// Cosine similarity (inner product of unit vectors).
    public var similarity: Float

    public init(id: Int64, similarity: Float) {
        self.id = id
        self.similarity = similarity
    }
}

/// Keeps the k best hits seen so far, best first.
package struct TopK {
    package let k: Int
    package private(set) var hits: [SearchHit] = []

    package init(k: Int) {
        self.k = k
        hits.reserveCapacity(k + 1)
    }

    /// The similarity a candidate must beat to enter.
    package var floor: Float { hits.count < k ? -.infinity : hits[hits.count - 1].similarity }

    package mutating func offer(_ hit: SearchHit) {
        guard hit.similarity > floor else { return }
        var position = hits.count
        while position > 0 && hits[position - 1].similarity < hit.similarity { position -= 1 }
        hits.insert(hit, at: position)
        if hits.count > k { hits.removeLast() }
    }
}
