import Crypto
import VectorIndex
import Foundation

/// A secret orthogonal transform of templates, one per tenant.
///
/// Templates are multiplied by a random orthogonal matrix derived from the tenant's key before
/// they are stored or searched. Orthogonal maps keep every inner product, so cosine similarity
/// between two templates of one tenant is unchanged, while the same face enrolled by two tenants
/// gives unrelated vectors (they cannot be linked), and a new key re-protects stored templates
/// without the originals: T′ = R₂·R₁ᵀ·T.
public struct TenantTransform: Sendable {
    /// Row-major dimension × dimension orthogonal matrix.
    let matrix: [Float]
    public let dimension: Int

    /// Derives the transform for `key`; the same key always gives the same matrix.
    public init(key: SymmetricKey, dimension: Int = 512) {
        let seedKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: key, info: Data("likeness template transform v1".utf8), outputByteCount: 32)
        let seed = seedKey.withUnsafeBytes { bytes in
            (0..<4).map { i in bytes.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self) }
        }
        self.dimension = dimension
        self.matrix = TenantTransform.randomOrthogonal(dimension: dimension, seed: seed)
    }

    /// R·v.
    public func apply(_ vector: [Float]) -> [Float] {
        precondition(vector.count == dimension, "template dimension mismatch")
        return (0..<dimension).map { row in
            VectorMath.dot(Array(matrix[(row * dimension)..<((row + 1) * dimension)]), vector)
        }
    }

    /// Rᵀ·v, the inverse of `apply`.
    public func unapply(_ vector: [Float]) -> [Float] {
        precondition(vector.count == dimension, "template dimension mismatch")
        var out = [Float](repeating: 0, count: dimension)
        for row in 0..<dimension {
            let x = vector[row]
            let base = row * dimension
            for column in 0..<dimension { out[column] += matrix[base + column] * x }
        }
        return out
    }

    /// Moves a template protected by `old` to this transform without recovering more than a
    /// transient rotated copy: R_new·R_oldᵀ·t.
    public func reprotect(_ vector: [Float], from old: TenantTransform) -> [Float] {
        apply(old.unapply(vector))
    }

    /// Gaussian matrix from a seeded generator, orthonormalised by modified Gram–Schmidt
    /// (twice, for numerical orthogonality) in double precision.
    static func randomOrthogonal(dimension n: Int, seed: [UInt64]) -> [Float] {
        var generator = Xoshiro256(seed: seed)
        var rows = (0..<n).map { _ in (0..<n).map { _ in generator.gaussian() } }
        for i in 0..<n {
            for _ in 0..<2 {
                for j in 0..<i {
                    var projection = 0.0
                    for k in 0..<n { projection += rows[i][k] * rows[j][k] }
                    for k in 0..<n { rows[i][k] -= projection * rows[j][k] }
                }
            }
            let norm = rows[i].reduce(0) { $0 + $1 * $1 }.squareRoot()
            for k in 0..<n { rows[i][k] /= norm }
        }
        return rows.flatMap { $0.map(Float.init) }
    }
}

/// xoshiro256** — a fast generator with a 256-bit state, seeded from the derived key.
struct Xoshiro256 {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    /// Each seed word is passed through SplitMix64, as xoshiro's authors recommend, so that
    /// similar seeds still give unrelated streams.
    init(seed: [UInt64]) {
        func mix(_ x: UInt64) -> UInt64 {
            var z = x &+ 0x9E37_79B9_7F4A_7C15
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (mix(seed[0]) | 1, mix(seed[1] ^ 0x1), mix(seed[2] ^ 0x2), mix(seed[3] ^ 0x3))
    }

    mutating func next() -> UInt64 {
        let result = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = s.3 << 45 | s.3 >> 19
        return result
    }

    mutating func unit() -> Double { (Double(next() >> 11) + 0.5) / Double(1 << 53) }

    /// A standard normal draw (Box–Muller).
    mutating func gaussian() -> Double {
        (-2 * log(unit())).squareRoot() * cos(2 * Double.pi * unit())
    }
}
