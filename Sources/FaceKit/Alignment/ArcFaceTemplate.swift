/// The canonical positions of the five keypoints in a 112×112 ArcFace crop.
public enum ArcFaceTemplate {
    /// Left eye, right eye, nose tip, left and right mouth corners (image orientation).
    public static let points: [Point] = [
        Point(x: 38.2946, y: 51.6963), Point(x: 73.5318, y: 51.5014), Point(x: 56.0252, y: 71.7366),
        Point(x: 41.5493, y: 92.3655), Point(x: 70.7299, y: 92.2041),
    ]

    /// The side of the crop the template is defined for.
    public static let size = 112

    /// The transform taking a face's keypoints onto the template scaled to `size`.
    public static func alignment(for face: DetectedFace, size: Int = ArcFaceTemplate.size) throws -> SimilarityTransform
    {
        let factor = Double(size) / Double(ArcFaceTemplate.size)
        let target = points.map { Point(x: $0.x * factor, y: $0.y * factor) }
        guard face.keypoints.count == 5, let transform = SimilarityTransform.estimate(from: face.keypoints, to: target)
        else { throw FaceKitError(.invalidArgument, "a face needs five distinct keypoints to be aligned") }
        return transform
    }
}
