/// The planar mapping between two point sets, and how far the points stray from it.
///
/// A photograph or a screen moved in front of a camera moves every landmark by one plane-to-plane
/// mapping (a homography); a real head turning does not, because the face is not flat. The
/// residual after the best homography, in units of the eye distance, separates the two.
enum Homography {
    /// Root-mean-square distance between `target` and `source` mapped by the least-squares
    /// homography (direct linear transform with normalised coordinates), or nil when the points
    /// are degenerate.
    static func residual(from source: [Point], to target: [Point]) -> Double? {
        guard source.count == target.count, source.count >= 5 else { return nil }
        guard let (_, a) = normalize(source), let (normalizeTarget, b) = normalize(target) else {
            return nil
        }
        // h = [h0 … h7, 1]: two equations per point, solved by least squares (normal equations).
        var normal = [[Double]](repeating: [Double](repeating: 0, count: 8), count: 8)
        var right = [Double](repeating: 0, count: 8)
        for (p, q) in zip(a, b) {
            let rows: [([Double], Double)] = [
                ([p.x, p.y, 1, 0, 0, 0, -p.x * q.x, -p.y * q.x], q.x),
                ([0, 0, 0, p.x, p.y, 1, -p.x * q.y, -p.y * q.y], q.y),
            ]
            for (row, value) in rows {
                for i in 0..<8 {
                    right[i] += row[i] * value
                    for j in 0..<8 { normal[i][j] += row[i] * row[j] }
                }
            }
        }
        guard let h = solve(normal, right) else { return nil }
        var sum = 0.0
        for (p, q) in zip(a, b) {
            let w = h[6] * p.x + h[7] * p.y + 1
            guard abs(w) > 1e-9 else { return nil }
            let x = (h[0] * p.x + h[1] * p.y + h[2]) / w
            let y = (h[3] * p.x + h[4] * p.y + h[5]) / w
            // Back to the target's pixel units.
            let dx = (x - q.x) / normalizeTarget
            let dy = (y - q.y) / normalizeTarget
            sum += dx * dx + dy * dy
        }
        return (sum / Double(a.count)).squareRoot()
    }

    /// The homography (row-major, h33 = 1) taking four or more `source` points to `target`, in
    /// pixel coordinates, by least squares; nil when degenerate.
    static func matrix(from source: [Point], to target: [Point]) -> [Double]? {
        guard source.count == target.count, source.count >= 4 else { return nil }
        var normal = [[Double]](repeating: [Double](repeating: 0, count: 8), count: 8)
        var right = [Double](repeating: 0, count: 8)
        for (p, q) in zip(source, target) {
            for (row, value) in [
                ([p.x, p.y, 1, 0, 0, 0, -p.x * q.x, -p.y * q.x], q.x),
                ([0, 0, 0, p.x, p.y, 1, -p.x * q.y, -p.y * q.y], q.y),
            ] {
                for i in 0..<8 {
                    right[i] += row[i] * value
                    for j in 0..<8 { normal[i][j] += row[i] * row[j] }
                }
            }
        }
        return solve(normal, right).map { $0 + [1] }
    }

    /// Centres the points and scales them to mean distance √2 (Hartley); returns the scale.
    private static func normalize(_ points: [Point]) -> (Double, [Point])? {
        let n = Double(points.count)
        let cx = points.reduce(0) { $0 + $1.x } / n
        let cy = points.reduce(0) { $0 + $1.y } / n
        let mean = points.reduce(0) { $0 + ((($1.x - cx) * ($1.x - cx) + ($1.y - cy) * ($1.y - cy)).squareRoot()) } / n
        guard mean > 1e-9 else { return nil }
        let scale = 2.0.squareRoot() / mean
        return (scale, points.map { Point(x: ($0.x - cx) * scale, y: ($0.y - cy) * scale) })
    }

    /// Gaussian elimination with partial pivoting.
    private static func solve(_ matrix: [[Double]], _ vector: [Double]) -> [Double]? {
        var a = matrix
        var b = vector
        let n = b.count
        for column in 0..<n {
            guard let pivot = (column..<n).max(by: { abs(a[$0][column]) < abs(a[$1][column]) }),
                abs(a[pivot][column]) > 1e-12
            else { return nil }
            a.swapAt(column, pivot)
            b.swapAt(column, pivot)
            for row in (column + 1)..<n {
                let factor = a[row][column] / a[column][column]
                guard factor != 0 else { continue }
                for k in column..<n { a[row][k] -= factor * a[column][k] }
                b[row] -= factor * b[column]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            var sum = b[row]
            for k in (row + 1)..<n { sum -= a[row][k] * x[k] }
            x[row] = sum / a[row][row]
        }
        return x
    }
}
