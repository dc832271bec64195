import Foundation

/// Head orientation in degrees.
///
/// Signs, as seen in the image: `yaw` is positive when the face turns towards the image's right
/// (the subject's left); `pitch` is positive when the face tilts up; `roll` is positive when the
/// head tilts clockwise in the image (the eye on the image's right is lower).
public struct HeadPose: Sendable, Codable, Equatable {
    public var yaw: Double
    public var pitch: Double
    public var roll: Double

    public init(yaw: Double, pitch: Double, roll: Double) {
        self.yaw = yaw
        self.pitch = pitch
        self.roll = roll
    }

    /// A generic 3-D face (millimetres; in a frontal view x points to the image's right, y up, z
    /// towards the camera) at the landmarks used for the fit: nose tip, chin, outer eye corners,
    /// mouth corners, inner eye corners.
    static let model: [(index: Int, x: Double, y: Double, z: Double)] = [
        (Landmarks106.noseTip, 0, 0, 0),
        (Landmarks106.chin, 0, -63.6, -12.5),
        (Landmarks106.leftEye.outerCorner, -43.3, 32.7, -26),
        (Landmarks106.rightEye.outerCorner, 43.3, 32.7, -26),
        (Landmarks106.mouthLeft, -28.9, -28.9, -24.1),
        (Landmarks106.mouthRight, 28.9, -28.9, -24.1),
        (Landmarks106.leftEye.innerCorner, -14.5, 31.5, -22),
        (Landmarks106.rightEye.innerCorner, 14.5, 31.5, -22),
    ]

    /// Fits a scaled-orthographic camera to the model points by least squares and reads the
    /// rotation's Euler angles. Roll is taken from the eye line directly, which is exact for
    /// in-plane rotation.
    static func estimate(from landmarks: FaceLandmarks) -> HeadPose {
        let points = landmarks.points
        // Solve u = a·X + tu and v = b·X + tv (X = model point, v measured upward).
        var normal = [[Double]](repeating: [Double](repeating: 0, count: 4), count: 4)
        var rhsU = [Double](repeating: 0, count: 4)
        var rhsV = [Double](repeating: 0, count: 4)
        for m in model {
            let x = [m.x, m.y, m.z, 1]
            let u = points[m.index].x
            let v = -points[m.index].y
            for i in 0..<4 {
                for j in 0..<4 { normal[i][j] += x[i] * x[j] }
                rhsU[i] += x[i] * u
                rhsV[i] += x[i] * v
            }
        }
        guard let a = solve4(normal, rhsU), let b = solve4(normal, rhsV) else {
            return HeadPose(yaw: 0, pitch: 0, roll: 0)
        }
        // Rows of the scaled rotation; orthonormalise them.
        var r1 = normalize([a[0], a[1], a[2]])
        var r2 = normalize([b[0], b[1], b[2]])
        let d = dot(r1, r2)
        r1 = normalize(zip(r1, r2).map { $0 - d / 2 * $1 })
        r2 = normalize(zip(r2, r1).map { $0 - d / 2 * $1 })
        let r3 = cross(r1, r2)
        // R = Rz(roll) · Ry(yaw) · Rx(pitch) acting on model coordinates.
        let yaw = asin(max(-1, min(1, -r3[0]))) * 180 / .pi
        let pitch = -atan2(r3[1], r3[2]) * 180 / .pi
        let leftEye = points[Landmarks106.leftEye.center]
        let rightEye = points[Landmarks106.rightEye.center]
        let roll = atan2(rightEye.y - leftEye.y, rightEye.x - leftEye.x) * 180 / .pi
        return HeadPose(yaw: yaw, pitch: pitch, roll: roll)
    }

    private static func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

    private static func normalize(_ v: [Double]) -> [Double] {
        let n = dot(v, v).squareRoot()
        return n > 0 ? v.map { $0 / n } : v
    }

    private static func cross(_ a: [Double], _ b: [Double]) -> [Double] {
        [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
    }

    /// Gaussian elimination with partial pivoting for a 4×4 system.
    private static func solve4(_ matrix: [[Double]], _ rhs: [Double]) -> [Double]? {
        var m = matrix
        var r = rhs
        for col in 0..<4 {
            let pivot = (col..<4).max { abs(m[$0][col]) < abs(m[$1][col]) }!
            guard abs(m[pivot][col]) > 1e-12 else { return nil }
            m.swapAt(col, pivot)
            r.swapAt(col, pivot)
            for row in (col + 1)..<4 {
                let f = m[row][col] / m[col][col]
                for k in col..<4 { m[row][k] -= f * m[col][k] }
                r[row] -= f * r[col]
            }
        }
        var x = [Double](repeating: 0, count: 4)
        for row in stride(from: 3, through: 0, by: -1) {
            var s = r[row]
            for k in (row + 1)..<4 { s -= m[row][k] * x[k] }
            x[row] = s / m[row][row]
        }
        return x
    }
}
