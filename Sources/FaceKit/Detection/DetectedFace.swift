/// One face found by the detector.
public struct DetectedFace: Sendable, Hashable, Codable {
    /// The face box in image pixels.
    public var box: BoundingBox
    /// Detector confidence in 0...1.
    public var score: Double
    /// Five keypoints in image pixels, in the order the ArcFace template uses: the eye on the
    /// image's left, the eye on the image's right, the nose tip, the mouth's left and right corners.
    public var keypoints: [Point]

    public init(box: BoundingBox, score: Double, keypoints: [Point]) {
        self.box = box
        self.score = score
        self.keypoints = keypoints
    }

    /// Distance between the eye centres in pixels, a robust measure of face size.
    public var interEyeDistance: Double {
        keypoints.count >= 2 ? keypoints[0].distance(to: keypoints[1]) : 0
    }
}
