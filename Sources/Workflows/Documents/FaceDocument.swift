import FaceKit

/// A detected face as every answer reports it: pixel coordinates in the image as given.
public struct FaceDocument: Codable, Sendable, Equatable {
    /// `[minX, minY, maxX, maxY]`.
    public var box: [Double]
    public var score: Double
    /// Eyes, nose tip and mouth corners, `[x, y]` each.
    public var keypoints: [[Double]]
    /// The 106 landmarks, when asked for.
    public var landmarks: [[Double]]?
    public var pose: PoseDocument?
    /// Eye (left, right) and mouth openness, with the landmarks.
    public var eyeOpenness: [Double]?
    public var mouthOpenness: Double?
    public var quality: QualityDocument?

    enum CodingKeys: String, CodingKey {
        case box, score, keypoints, landmarks, pose, quality
        case eyeOpenness = "eye_openness"
        case mouthOpenness = "mouth_openness"
    }

    public init(_ face: DetectedFace, landmarks: FaceLandmarks? = nil, quality: QualityAssessment? = nil) {
        box = [face.box.minX, face.box.minY, face.box.maxX, face.box.maxY].map(Rounding.coordinate)
        score = Rounding.score(face.score)
        keypoints = face.keypoints.map { [Rounding.coordinate($0.x), Rounding.coordinate($0.y)] }
        if let landmarks {
            self.landmarks = landmarks.points.map { [Rounding.coordinate($0.x), Rounding.coordinate($0.y)] }
            pose = PoseDocument(landmarks.pose)
            eyeOpenness = [landmarks.leftEyeOpenness, landmarks.rightEyeOpenness].map(Rounding.ratio)
            mouthOpenness = Rounding.ratio(landmarks.mouthOpenness)
        }
        self.quality = quality.map(QualityDocument.init)
    }
}

/// Head pose in degrees (yaw right-positive, pitch up-positive, roll clockwise-positive).
public struct PoseDocument: Codable, Sendable, Equatable {
    public var yaw: Double
    public var pitch: Double
    public var roll: Double

    public init(_ pose: HeadPose) {
        yaw = Rounding.coordinate(pose.yaw)
        pitch = Rounding.coordinate(pose.pitch)
        roll = Rounding.coordinate(pose.roll)
    }
}

/// A face's quality against a profile: the unified score, each component, and the failed checks.
public struct QualityDocument: Codable, Sendable, Equatable {
    public struct Component: Codable, Sendable, Equatable {
        public var name: String
        public var value: Double
        public var score: Double
        /// The codes of the profile limits this component breaks; empty when it passes.
        public var reasons: [String]
    }

    public var profile: String
    public var score: Double
    public var passed: Bool
    /// The stable code of every profile limit the face breaks.
    public var reasons: [String]
    public var components: [Component]

    public init(_ quality: QualityAssessment) {
        profile = quality.profile
        score = Rounding.score(quality.unifiedScore)
        passed = quality.passed
        reasons = quality.reasons
        components = quality.components.map {
            Component(
                name: $0.name, value: Rounding.score($0.value), score: Rounding.coordinate($0.score),
                reasons: $0.reasons)
        }
    }
}
