/// One occurrence of an action in a recording, found by the analysis's own rules.
public struct LivenessEvent: Sendable, Equatable {
    public var action: LivenessAction
    /// The first frame of it (for a blink: the first closed frame), in ms from the start.
    public var startMilliseconds: Double
    /// Its most extreme frame.
    public var peakMilliseconds: Double
    /// Its last held frame (for a blink: the frame the eyes are open again).
    public var endMilliseconds: Double
    /// How far it went at the peak: degrees from the neutral pose for a head movement, mouth
    /// openness for `open_mouth`, eye openness as a fraction of the neutral for `blink`.
    public var value: Double
    /// Frames it lasted: held samples, or for a blink the frames with the eyes closed.
    public var frames: Int
    /// Still going on at the recording's last frame, so it was not seen to complete.
    public var cutOff: Bool
}

/// The neutral face the actions are measured from (see `LivenessThresholds.baselineMilliseconds`).
public struct LivenessBaseline: Sendable, Equatable {
    public var yaw: Double
    public var pitch: Double
    /// The more open eye's openness.
    public var eye: Double
    public var mouth: Double
    /// Taken from the steady opening; false when the recording starts mid-movement and the
    /// whole recording's median stands in.
    public var fromOpening: Bool

    init(_ base: LivenessDecision.Baseline) {
        yaw = base.yaw
        pitch = base.pitch
        eye = base.eye
        mouth = base.mouth
        fromOpening = base.fromOpening
    }
}

/// Every action event of a recording, with the neutral face and what was sampled.
public struct LivenessEventScan: Sendable {
    public var baseline: LivenessBaseline
    /// In order of their start.
    public var events: [LivenessEvent]
    /// Samples on the fixed grid (frames between samples, measured for the eyes, not counted).
    public var framesAnalysed: Int
    public var framesWithoutFace: Int
    public var durationMilliseconds: Double
}
