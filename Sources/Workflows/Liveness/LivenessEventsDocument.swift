import FaceKit

/// `liveness events --json`: every action a recording shows, found by the analysis's own rules,
/// and the neutral face they are measured from. Scripts that build test sets read this rather
/// than restate the rules.
public struct LivenessEventsDocument: Codable, Sendable, Equatable {
    /// One occurrence of an action.
    public struct Event: Codable, Sendable, Equatable {
        public var action: LivenessAction
        public var startMs: Double
        public var peakMs: Double
        public var endMs: Double
        /// Degrees from the neutral pose (head movements), mouth openness (`open_mouth`), or eye
        /// openness as a fraction of the neutral at the peak (`blink`).
        public var value: Double
        public var frames: Int
        /// Still going on at the last frame: not seen to complete.
        public var cutOff: Bool

        enum CodingKeys: String, CodingKey {
            case action, value, frames
            case startMs = "start_ms"
            case peakMs = "peak_ms"
            case endMs = "end_ms"
            case cutOff = "cut_off"
        }

        public init(_ event: LivenessEvent) {
            action = event.action
            startMs = event.startMilliseconds.rounded()
            peakMs = event.peakMilliseconds.rounded()
            endMs = event.endMilliseconds.rounded()
            value = event.action.movesHead ? Rounding.coordinate(event.value) : Rounding.ratio(event.value)
            frames = event.frames
            cutOff = event.cutOff
        }
    }

    /// The neutral face: degrees for the pose, openness ratios for the eye and the mouth.
    public struct Baseline: Codable, Sendable, Equatable {
        /// Where it was taken: the steady opening, or the whole recording's median.
        public enum Source: String, Codable, Sendable {
            case opening
            case wholeRecording = "whole_recording"
        }

        public var yaw: Double
        public var pitch: Double
        public var eye: Double
        public var mouth: Double
        public var from: Source

        public init(_ baseline: LivenessBaseline) {
            yaw = Rounding.coordinate(baseline.yaw)
            pitch = Rounding.coordinate(baseline.pitch)
            eye = Rounding.ratio(baseline.eye)
            mouth = Rounding.ratio(baseline.mouth)
            from = baseline.fromOpening ? .opening : .wholeRecording
        }
    }

    public var baseline: Baseline
    /// In order of their start.
    public var events: [Event]
    public var sampleRateFps: Double
    public var framesAnalysed: Int
    public var framesWithoutFace: Int
    public var durationMs: Double

    enum CodingKeys: String, CodingKey {
        case baseline, events
        case sampleRateFps = "sample_rate_fps"
        case framesAnalysed = "frames_analysed"
        case framesWithoutFace = "frames_without_face"
        case durationMs = "duration_ms"
    }

    public init(_ scan: LivenessEventScan, sampleRate: Double) {
        baseline = Baseline(scan.baseline)
        events = scan.events.map(Event.init)
        sampleRateFps = sampleRate
        framesAnalysed = scan.framesAnalysed
        framesWithoutFace = scan.framesWithoutFace
        durationMs = scan.durationMilliseconds
    }
}
