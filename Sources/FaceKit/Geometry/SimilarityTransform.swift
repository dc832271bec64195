import Foundation

/// A 2-D similarity transform: uniform scale, rotation and translation.
///
/// Written as x' = a·x − b·y + tx, y' = b·x + a·y + ty, so scale = √(a²+b²) and
/// rotation = atan2(b, a).
public struct SimilarityTransform: Sendable, Equatable {
    public var a: Double
    public var b: Double
    public var tx: Double
    public var ty: Double

    public init(a: Double, b: Double, tx: Double, ty: Double) {
        self.a = a
        self.b = b
        self.tx = tx
        self.ty = ty
    }

    /// Builds the transform from scale, rotation (radians, counter-clockwise in a y-up frame) and translation.
    public init(scale: Double, rotation: Double, tx: Double, ty: Double) {
        self.init(a: scale * cos(rotation), b: scale * sin(rotation), tx: tx, ty: ty)
    }

    public var scale: Double { (a * a + b * b).squareRoot() }
    public var rotation: Double { atan2(b, a) }

    /// The 2×3 row-major matrix [a, −b, tx; b, a, ty].
    public var matrix: [Double] { [a, -b, tx, b, a, ty] }

    /// Maps a point.
    public func apply(_ p: Point) -> Point {
        Point(x: a * p.x - b * p.y + tx, y: b * p.x + a * p.y + ty)
    }

    /// The inverse transform.
    public var inverse: SimilarityTransform {
        let d = a * a + b * b
        let ia = a / d
        let ib = -b / d
        return SimilarityTransform(a: ia, b: ib, tx: -(ia * tx - ib * ty), ty: -(ib * tx + ia * ty))
    }

    /// The least-squares similarity transform taking `source` onto `destination` (Umeyama, 1991).
    ///
    /// In two dimensions Umeyama's SVD solution, restricted to proper rotations, has a closed
    /// form: treating points as complex numbers, the optimal a + ib is
    /// Σ conj(s̃)·d̃ / Σ |s̃|² over the centred point sets.
    /// Returns nil when the points are fewer than two or all coincide.
    public static func estimate(from source: [Point], to destination: [Point]) -> SimilarityTransform? {
        guard source.count == destination.count, source.count >= 2 else { return nil }
        let n = Double(source.count)
        let sx = source.reduce(0) { $0 + $1.x } / n
        let sy = source.reduce(0) { $0 + $1.y } / n
        let dx = destination.reduce(0) { $0 + $1.x } / n
        let dy = destination.reduce(0) { $0 + $1.y } / n
        var dot = 0.0
        var cross = 0.0
        var variance = 0.0
        for (s, d) in zip(source, destination) {
            let px = s.x - sx
            let py = s.y - sy
            let qx = d.x - dx
            let qy = d.y - dy
            dot += px * qx + py * qy
            cross += px * qy - py * qx
            variance += px * px + py * py
        }
        guard variance > 1e-12 else { return nil }
        let a = dot / variance
        let b = cross / variance
        return SimilarityTransform(a: a, b: b, tx: dx - (a * sx - b * sy), ty: dy - (b * sx + a * sy))
    }
}
