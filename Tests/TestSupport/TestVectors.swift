import Foundation

/// Seeded random unit vectors for index and gallery tests: the same seed always gives the same vector.
public enum TestVectors {
    /// A unit vector of `dimension` from `seed`; near `base` (plus Gaussian noise of `noise`) when given.
    public static func unit(seed: UInt64, dimension: Int = 512, near base: [Float]? = nil, noise: Double = 1)
        -> [Float]
    {
        var generator = SplitMix64(state: seed &* 0x9E37_79B9_7F4A_7C15 &+ 1)
        var v = (0..<dimension).map { i in Float(generator.gaussian() * noise) + (base?[i] ?? 0) }
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        v = v.map { $0 / norm }
        return v
    }

    /// `count` unit vectors, row-major, from consecutive seeds.
    public static func rows(_ count: Int, seed: UInt64, dimension: Int = 512) -> [Float] {
        (0..<count).flatMap { unit(seed: seed &+ UInt64($0), dimension: dimension) }
    }
}

/// SplitMix64 with Box–Muller normals: small, fast and good enough for test data.
struct SplitMix64 {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func unit() -> Double { (Double(next() >> 11) + 0.5) / Double(1 << 53) }

    mutating func gaussian() -> Double {
        (-2 * log(unit())).squareRoot() * cos(2 * Double.pi * unit())
    }
}
