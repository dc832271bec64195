/// Arithmetic on embedding vectors (row-major `[Float]`).
public enum VectorMath {
    /// The inner product of two equal-length vectors (SIMD); cosine similarity for unit vectors.
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
