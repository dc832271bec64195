/// The thresholds an image must meet for one use. Every field is a limit on a raw measure,
/// in the unit its name gives; a measure outside its limit adds the matching reason.
public struct QualityProfile: Sendable, Codable, Equatable {
    public var name: String
    /// Pixels between the eye centres (`face_too_small`).
    public var minInterEyeDistance: Double
    /// Variance of the Laplacian on the aligned 112×112 face crop (`blurred`).
    public var minSharpness: Double
    /// Mean grey level of the face region, 0–255 (`too_dark` below, `too_bright` above).
    public var minBrightness: Double
    public var maxBrightness: Double
    /// Share of face-region pixels at 245 or more (`too_bright`).
    public var maxBrightFraction: Double
    /// 95th minus 5th percentile grey level of the face region (`low_contrast`).
    public var minContrast: Double
    /// Degrees (`extreme_pose`).
    public var maxYaw: Double
    public var maxPitch: Double
    public var maxRoll: Double
    /// Lid gap over eye width of the less open eye (`eyes_closed`).
    public var minEyeOpenness: Double
    /// Share of the face outline's landmarks inside the image (`face_cropped`).
    public var minInsideFrame: Double
    /// Detector confidence (`low_confidence`).
    public var minDetectionScore: Double
    /// Whether other faces at least half as wide may be present (`multiple_faces`).
    public var allowOtherFaces: Bool

    enum CodingKeys: String, CodingKey {
        case name
        case minInterEyeDistance = "min_inter_eye_distance"
        case minSharpness = "min_sharpness"
        case minBrightness = "min_brightness"
        case maxBrightness = "max_brightness"
        case maxBrightFraction = "max_bright_fraction"
        case minContrast = "min_contrast"
        case maxYaw = "max_yaw"
        case maxPitch = "max_pitch"
        case maxRoll = "max_roll"
        case minEyeOpenness = "min_eye_openness"
        case minInsideFrame = "min_inside_frame"
        case minDetectionScore = "min_detection_score"
        case allowOtherFaces = "allow_other_faces"
    }

    /// A live selfie for verification: moderate size, frontal enough, eyes open, alone.
    public static let selfie = QualityProfile(
        name: "selfie", minInterEyeDistance: 30, minSharpness: 150, minBrightness: 50, maxBrightness: 215,
        maxBrightFraction: 0.25, minContrast: 40, maxYaw: 35, maxPitch: 30, maxRoll: 30, minEyeOpenness: 0.12,
        minInsideFrame: 0.9, minDetectionScore: 0.5, allowOtherFaces: false)

    /// The portrait on an ID document: small and printed (softer), near-frontal, with the
    /// document's secondary "ghost" portrait allowed beside it.
    public static let document = QualityProfile(
        name: "document", minInterEyeDistance: 20, minSharpness: 60, minBrightness: 40, maxBrightness: 225,
        maxBrightFraction: 0.35, minContrast: 30, maxYaw: 20, maxPitch: 25, maxRoll: 25, minEyeOpenness: 0.1,
        minInsideFrame: 0.9, minDetectionScore: 0.5, allowOtherFaces: true)

    /// A reference image kept in a gallery: large, sharp, frontal, evenly lit, alone.
    public static let enrollment = QualityProfile(
        name: "enrollment", minInterEyeDistance: 45, minSharpness: 300, minBrightness: 60, maxBrightness: 200,
        maxBrightFraction: 0.15, minContrast: 50, maxYaw: 25, maxPitch: 25, maxRoll: 20, minEyeOpenness: 0.15,
        minInsideFrame: 0.97, minDetectionScore: 0.6, allowOtherFaces: false)

    /// The built-in profiles by name.
    public static let builtIn: [String: QualityProfile] = [
        selfie.name: selfie, document.name: document, enrollment.name: enrollment,
    ]
}
