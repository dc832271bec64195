internal import CLikenessVision

/// The raw measurements quality components are scored from.
struct QualityMeasures: Sendable {
    var interEyeDistance: Double
    var sharpness: Double
    var brightness: Double
    var darkFraction: Double
    var brightFraction: Double
    var contrast: Double
    var pose: HeadPose
    var eyeOpenness: Double
    var insideFrame: Double
    var detectionScore: Double
    var otherFaces: Int

    /// The region of the 112×112 ArcFace crop the photometric measures use: brows to chin, cheek to cheek.
    static let region = (x0: 20, y0: 30, x1: 92, y1: 108)

    static func measure(
        face: DetectedFace, landmarks: FaceLandmarks, allFaces: [DetectedFace], image: Image
    ) throws -> QualityMeasures {
        let matrix = try ArcFaceTemplate.alignment(for: face).matrix
        var stats = lkv_region_stats()
        let status = image.withHandle { handle in
            matrix.withUnsafeBufferPointer { m in
                lkv_region_stats_compute(
                    handle, m.baseAddress, Int32(ArcFaceTemplate.size), Int32(region.x0), Int32(region.y0),
                    Int32(region.x1), Int32(region.y1), &stats)
            }
        }
        guard status == LKV_OK else { throw FaceKitError(.internalFailure, "could not measure the face region") }
        let outline =
            Array(landmarks.points[0...32]) + Array(landmarks.points[43...51]) + Array(landmarks.points[97...105])
        let inside = outline.filter {
            $0.x >= 0 && $0.y >= 0 && $0.x < Double(image.width) && $0.y < Double(image.height)
        }.count
        let others = allFaces.filter { $0 != face && $0.box.width >= 0.5 * face.box.width }.count
        return QualityMeasures(
            interEyeDistance: face.interEyeDistance, sharpness: stats.laplacian_variance, brightness: stats.mean,
            darkFraction: stats.dark_fraction, brightFraction: stats.bright_fraction, contrast: stats.p95 - stats.p5,
            pose: landmarks.pose, eyeOpenness: min(landmarks.leftEyeOpenness, landmarks.rightEyeOpenness),
            insideFrame: Double(inside) / Double(outline.count), detectionScore: face.score, otherFaces: others)
    }
}
