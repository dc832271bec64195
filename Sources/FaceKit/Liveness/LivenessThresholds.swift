/// The numbers the liveness decision uses. docs/liveness.md gives how each was fitted on the
/// shared clips and the generated attacks.
public struct LivenessThresholds: Sendable, Codable, Equatable {
    /// Frames analysed per second of video. The frames between samples are measured too, for
    /// the eyes only (landmarks in the sample's face box): a quick blink closes the eyes for a
    /// single 30 fps frame.
    public var sampleRate = 15.0
    /// The neutral face is the median over the first this many milliseconds when the head is
    /// steady there (yaw and pitch each within `steadyDegrees`); else over the whole recording.
    /// The first action's time allowance starts after it.
    public var baselineMilliseconds = 600.0
    public var steadyDegrees = 8.0
    /// Yaw change, degrees, that counts as a turn.
    public var turnDegrees = 15.0
    /// Pitch change, degrees, that counts as looking up.
    public var lookUpDegrees = 10.0
    /// Eye openness falls to this fraction of the baseline in a blink…
    public var blinkClosedRatio = 0.6
    /// …and comes back to this fraction within `blinkMaxMilliseconds`.
    public var blinkOpenRatio = 0.8
    public var blinkMaxMilliseconds = 600.0
    /// Mouth openness at least this, and at least `mouthRise` above the baseline (the baseline
    /// counted as at most `mouthBaselineCap`: a recording may start mid-word). Talking opens the
    /// mouth to 0.3–0.45; a deliberate opening goes past 0.5.
    public var mouthOpen = 0.5
    public var mouthRise = 0.3
    public var mouthBaselineCap = 0.2
    /// Consecutive sampled frames a pose action must hold…
    public var holdFrames = 2
    /// …and an open mouth (talking flickers through single open frames).
    public var mouthHoldFrames = 3
    /// Looking up is not counted while the mouth is this open: an open jaw reads as raised pitch.
    public var lookUpMaxMouth = 0.45
    /// Time each action may take after the previous one (the first: after the baseline).
    public var actionMilliseconds = 5_000.0
    /// Planar-spoof check: the landmark residual after the best homography between two poses,
    /// as a fraction of the distance between the eyes; below this the motion is a flat picture's.
    public var planarResidual = 0.03
    /// Pose difference, degrees, two frames need for the planar check to compare them.
    public var planarPoseDegrees = 8.0
    /// Continuity: the face centre may move at most this many face widths between samples…
    /// (A quick real turn moves it up to 0.55 at 12 samples a second; a cut moves it further.)
    public var maxJumpWidths = 1.0
    /// …and its width change by at most this factor.
    public var maxScaleJump = 1.6
    /// A second face counts when its box is at least this fraction of the main face's area.
    public var otherFaceRatio = 0.25
    /// Samples in a row without a face that end the session (`face_lost`).
    public var maxLostFrames = 4
    /// Frames whose templates are compared with the reference for the same-person check.
    public var identityFrames = 6

    public init() {}
}
