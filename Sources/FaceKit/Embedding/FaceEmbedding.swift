/// An L2-normalised face template.
public struct FaceEmbedding: Sendable, Hashable, Codable {
    /// The unit-length vector.
    public let vector: [Float]

    /// Normalises `raw` to unit length; nil for a zero or non-finite vector.
    public init?(normalizing raw: [Float]) {
        let norm = raw.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
        guard norm.isFinite, norm > 0 else { return nil }
        vector = raw.map { $0 / norm }
    }

    /// Cosine similarity in -1...1 (the dot product of unit vectors).
    public func similarity(to other: FaceEmbedding) -> Double {
        Double(FaceEmbedding.dot(vector, other.vector))
    }

    /// Cosine similarity of two arbitrary vectors; 0 when either is zero.
    public static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        precondition(a.count == b.count, "vectors must have the same dimension")
        let na = dot(a, a).squareRoot()
        let nb = dot(b, b).squareRoot()
        guard na > 0, nb > 0 else { return 0 }
        return Double(dot(a, b) / (na * nb))
    }

    /// The inner product of two equal-length vectors (SIMD).
    public static func dot(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count, "vectors must have the same dimension")
        var sum = SIMD8<Float>()
        var i = 0
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                while i + 8 <= pa.count {
                    sum += SIMD8(pa[i..<i + 8]) * SIMD8(pb[i..<i + 8])
                    i += 8
                }
            }
        }
        var total = sum.sum()
        while i < a.count {
            total += a[i] * b[i]
            i += 1
        }
        return total
    }
}
