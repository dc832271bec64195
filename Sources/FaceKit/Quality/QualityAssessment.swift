/// A face's quality, component by component, judged against a profile.
///
/// In the spirit of ISO/IEC 29794-5: each component has a raw measure and a 0–100 score; the
/// unified score is the mean of the component scores; `reasons` lists the stable codes of every
/// profile limit the face breaks.
public struct QualityAssessment: Sendable, Codable, Equatable {
    public struct Component: Sendable, Codable, Equatable {
        /// A stable identifier such as `sharpness`.
        public var name: String
        /// The raw measure, in the unit the profile documents.
        public var value: Double
        /// 0 (unusable) to 100 (ideal).
        public var score: Double
        /// The codes of the profile limits this component's measure breaks (empty: it passes).
        public var reasons: [String] = []

        public init(name: String, value: Double, score: Double, reasons: [String] = []) {
            self.name = name
            self.value = value
            self.score = score
            self.reasons = reasons
        }

        enum CodingKeys: String, CodingKey { case name, value, score, reasons }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            value = try container.decode(Double.self, forKey: .value)
            score = try container.decode(Double.self, forKey: .score)
            reasons = try container.decodeIfPresent([String].self, forKey: .reasons) ?? []
        }
    }

    public var profile: String
    public var components: [Component]
    public var unifiedScore: Double
    public var reasons: [String]
    public var passed: Bool { reasons.isEmpty }

    enum CodingKeys: String, CodingKey {
        case profile, components, reasons, passed
        case unifiedScore = "unified_score"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(profile, forKey: .profile)
        try container.encode(components, forKey: .components)
        try container.encode(unifiedScore, forKey: .unifiedScore)
        try container.encode(reasons, forKey: .reasons)
        try container.encode(passed, forKey: .passed)
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        profile = try container.decode(String.self, forKey: .profile)
        components = try container.decode([Component].self, forKey: .components)
        unifiedScore = try container.decode(Double.self, forKey: .unifiedScore)
        reasons = try container.decode([String].self, forKey: .reasons)
    }

    init(measures m: QualityMeasures, profile p: QualityProfile) {
        /// Linear from `bad` (score 0) to `good` (score 100), clamped.
        func ramp(_ value: Double, bad: Double, good: Double) -> Double {
            let t = (value - bad) / (good - bad)
            return (max(0, min(1, t)) * 1000).rounded() / 10
        }
        let worstAngle = max(abs(m.pose.yaw), abs(m.pose.pitch), abs(m.pose.roll))
        components = [
            Component(name: "face_size", value: m.interEyeDistance, score: ramp(m.interEyeDistance, bad: 10, good: 60)),
            Component(name: "sharpness", value: m.sharpness, score: ramp(m.sharpness, bad: 50, good: 800)),
            Component(name: "under_exposure", value: m.brightness, score: ramp(m.brightness, bad: 20, good: 90)),
            Component(
                name: "over_exposure", value: m.brightFraction, score: ramp(m.brightFraction, bad: 0.4, good: 0.02)),
            Component(name: "contrast", value: m.contrast, score: ramp(m.contrast, bad: 15, good: 90)),
            Component(name: "head_pose", value: worstAngle, score: ramp(worstAngle, bad: 50, good: 5)),
            Component(name: "eyes_open", value: m.eyeOpenness, score: ramp(m.eyeOpenness, bad: 0.06, good: 0.2)),
            Component(name: "inside_frame", value: m.insideFrame, score: ramp(m.insideFrame, bad: 0.7, good: 1)),
            Component(
                name: "detection_confidence", value: m.detectionScore,
                score: ramp(m.detectionScore, bad: 0.3, good: 0.8)),
            Component(name: "other_faces", value: Double(m.otherFaces), score: m.otherFaces == 0 ? 100 : 0),
        ]
        unifiedScore = (components.reduce(0) { $0 + $1.score } / Double(components.count) * 10).rounded() / 10
        // Each broken limit, with the component whose measure broke it.
        var broken: [(component: String, reason: String)] = []
        if m.interEyeDistance < p.minInterEyeDistance { broken.append(("face_size", "face_too_small")) }
        if m.sharpness < p.minSharpness { broken.append(("sharpness", "blurred")) }
        if m.brightness < p.minBrightness { broken.append(("under_exposure", "too_dark")) }
        if m.brightness > p.maxBrightness { broken.append(("under_exposure", "too_bright")) }
        if m.brightFraction > p.maxBrightFraction { broken.append(("over_exposure", "too_bright")) }
        if m.contrast < p.minContrast { broken.append(("contrast", "low_contrast")) }
        if abs(m.pose.yaw) > p.maxYaw || abs(m.pose.pitch) > p.maxPitch || abs(m.pose.roll) > p.maxRoll {
            broken.append(("head_pose", "extreme_pose"))
        }
        if m.eyeOpenness < p.minEyeOpenness { broken.append(("eyes_open", "eyes_closed")) }
        if m.insideFrame < p.minInsideFrame { broken.append(("inside_frame", "face_cropped")) }
        if m.detectionScore < p.minDetectionScore { broken.append(("detection_confidence", "low_confidence")) }
        if m.otherFaces > 0 && !p.allowOtherFaces { broken.append(("other_faces", "multiple_faces")) }
        let brokenLimits = broken
        components = components.map { component in
            var judged = component
            judged.reasons = brokenLimits.filter { $0.component == component.name }.map(\.reason)
            return judged
        }
        var reasons: [String] = []
        for (_, reason) in broken where !reasons.contains(reason) { reasons.append(reason) }
        self.reasons = reasons
        profile = p.name
    }

    /// The component with the given name.
    public func component(_ name: String) -> Component? { components.first { $0.name == name } }
}

extension QualityAssessment {
    /// Landmarks and measures of one face, judged against `profile`, on a worker's networks.
    static func assess(
        _ face: DetectedFace, among faces: [DetectedFace], in image: Image, profile: QualityProfile,
        networks: inout NetworkSet
    ) throws -> (QualityAssessment, FaceLandmarks) {
        let landmarks = try FaceLandmarker.landmarks(for: [face], in: image, networks: &networks)[0]
        let measures = try QualityMeasures.measure(face: face, landmarks: landmarks, allFaces: faces, image: image)
        return (QualityAssessment(measures: measures, profile: profile), landmarks)
    }
}

extension FaceAnalysis {
    mutating func assess(_ profile: QualityProfile, in image: Image, networks: inout NetworkSet) throws {
        let (assessment, marks) = try QualityAssessment.assess(
            face, among: faces, in: image, profile: profile, networks: &networks)
        quality = assessment
        landmarks = marks
    }
}
