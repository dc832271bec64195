/// What one sampled video frame shows: its faces, and for the main face its landmarks, pose,
/// eye and mouth openness.
struct FrameObservation: Sendable {
    var milliseconds: Double
    /// Faces large enough to count (see `LivenessThresholds.otherFaceRatio`).
    var faceCount: Int
    var face: DetectedFace?
    var landmarks: FaceLandmarks?
    /// Measurements given directly instead of through landmarks (synthetic sessions in tests).
    var syntheticPose: HeadPose?
    var syntheticEye: Double?
    var syntheticMouth: Double?
    /// A frame between two samples, measured for the eyes only (landmarks in the sample's box).
    var intermediate = false
    /// The intermediate frames that follow this sample, until they join the session's list.
    var between: [FrameObservation] = []

    init(milliseconds: Double, faceCount: Int, face: DetectedFace? = nil, landmarks: FaceLandmarks? = nil) {
        self.milliseconds = milliseconds
        self.faceCount = faceCount
        self.face = face
        self.landmarks = landmarks
    }

    var pose: HeadPose? { syntheticPose ?? landmarks?.pose }
    /// The more open eye: a blink closes both, a wink or a squint on one side does not count.
    var eyeOpenness: Double? { syntheticEye ?? landmarks.map { max($0.leftEyeOpenness, $0.rightEyeOpenness) } }
    var mouthOpenness: Double? { syntheticMouth ?? landmarks?.mouthOpenness }
    /// Whether the frame has measurements to judge actions by.
    var isMeasured: Bool { pose != nil && eyeOpenness != nil && mouthOpenness != nil }
}
