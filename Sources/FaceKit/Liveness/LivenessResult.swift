/// One check of a liveness decision, with the measured value and the threshold it was held to.
public struct LivenessCheck: Sendable, Codable, Equatable {
    public var name: LivenessCheckKind
    public var passed: Bool
    public var value: Double
    public var threshold: Double

    public init(name: LivenessCheckKind, passed: Bool, value: Double, threshold: Double) {
        self.name = name
        self.passed = passed
        self.value = value
        self.threshold = threshold
    }
}

/// Whether a challenged action was found, and when (its peak, in ms from the video's start).
/// Encoded as the API and the CLI print it: `{action, found, at_ms}`.
public struct ActionOutcome: Sendable, Codable, Equatable {
    public var action: LivenessAction
    public var found: Bool
    public var atMilliseconds: Double?

    enum CodingKeys: String, CodingKey {
        case action, found
        case atMilliseconds = "at_ms"
    }
}

/// The outcome of a liveness session.
public struct LivenessResult: Sendable {
    /// Every check passed.
    public var live: Bool
    /// 0…1: the weakest check's margin (0.5 is exactly at a threshold, 1 is far past it).
    public var score: Double
    public var checks: [LivenessCheck]
    public var actions: [ActionOutcome]
    /// The best near-frontal frame's face, for a comparison with an ID document.
    public var reference: FaceAnalysis?
    public var referenceImage: Image?
    public var framesAnalysed: Int
    public var durationMilliseconds: Double

    /// One stable code per failed check (`multiple_faces`, `face_lost`, `challenge_not_met`,
    /// `planar_motion`, `discontinuity`, `identity_changed`, or `no_reference_frame` when no
    /// frame was good enough to compare the others with); empty when live.
    public var reasons: [LivenessReason] {
        checks.filter { !$0.passed }.map { check in
            check.name == .samePerson && reference == nil ? .noReferenceFrame : check.name.failureReason
        }
    }
}
