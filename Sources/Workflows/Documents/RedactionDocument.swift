/// What a redaction hid and kept, and why: the answer of `POST /v1/redact` and the sidecar
/// JSON of `likeness redact`. Boxes and reasons only, never a template or pixels.
public struct RedactionDocument: Codable, Sendable, Equatable {
    /// Who was to be hidden.
    public struct Target: Codable, Sendable, Equatable {
        /// `everyone`, `keep` (all but the subjects) or `only` (only the subjects).
        public var mode: String
        public var subjects: [String]
        /// `keep`: the consent purpose a kept subject must have active.
        public var purpose: String?
        /// `keep`: subjects named but without that consent, hidden like everyone else.
        public var subjectsWithoutConsent: [String]
        public var threshold: Double?
        public var fmr: Double?

        enum CodingKeys: String, CodingKey {
            case mode, subjects, purpose, threshold, fmr
            case subjectsWithoutConsent = "subjects_without_consent"
        }
    }

    public struct Detector: Codable, Sendable, Equatable {
        /// `auto` or the input size in pixels.
        public var inputSize: String
        public var scoreThreshold: Double
        /// Video: the detector ran on every n-th frame.
        public var every: Int?

        public init(inputSize: String, scoreThreshold: Double, every: Int? = nil) {
            self.inputSize = inputSize
            self.scoreThreshold = scoreThreshold
            self.every = every
        }

        enum CodingKeys: String, CodingKey {
            case every
            case inputSize = "input_size"
            case scoreThreshold = "score_threshold"
        }
    }

    /// A face and what was done with it. In a video, a track: one face followed over frames.
    public struct Face: Codable, Sendable, Equatable {
        /// Video: the track's id, 1-based in order of first appearance.
        public var track: Int?
        /// `hidden` or `kept`.
        public var action: String
        /// `everyone`, `consented_subject`, `not_a_kept_subject`, `named_subject`,
        /// `not_a_named_subject` or `not_recognisable` (too small or blurred to compare).
        public var reason: String
        /// The subject recognised, when one was.
        public var subject: String?
        /// The best similarity to a named subject, when the face was compared.
        public var similarity: Double?
        /// Image: the face box `[x0, y0, x1, y1]` in pixels (before the margin).
        public var box: [Double]?
        /// Image: the detector's score; video: the best over the track.
        public var score: Double
        /// Video: frames where the detector found it.
        public var sightings: Int?
        /// Video: the frames it covers, in chunks of at most a second, with the union of its
        /// boxes (margin included) over each.
        public var spans: [Span]?

        enum CodingKeys: String, CodingKey {
            case track, action, reason, subject, similarity, box, score, sightings, spans
        }
    }

    public struct Span: Codable, Sendable, Equatable {
        public var fromFrame: Int
        public var toFrame: Int
        public var start: Double
        public var end: Double
        public var box: [Double]

        enum CodingKeys: String, CodingKey {
            case box, start, end
            case fromFrame = "from_frame"
            case toFrame = "to_frame"
        }
    }

    /// `image` or `video`.
    public var kind: String
    public var style: String
    public var margin: Double
    public var target: Target
    public var detector: Detector
    public var width: Int
    public var height: Int
    /// Video: frames written (equal to frames read).
    public var frames: Int?
    /// Video: the rate kept from the input, as a rational (`30000/1001`).
    public var frameRate: String?
    /// Video: whether the input's audio was carried over.
    public var audio: Bool?
    /// Video: frames with at least one region hidden.
    public var framesWithHiddenFaces: Int?
    public var hidden: Int
    public var kept: Int
    public var faces: [Face]
    /// Wall-clock seconds the redaction took, and its speed in frames per second (video).
    public var seconds: Double?
    public var framesPerSecond: Double?

    enum CodingKeys: String, CodingKey {
        case kind, style, margin, target, detector, width, height, frames, audio, hidden, kept, faces, seconds
        case frameRate = "frame_rate"
        case framesWithHiddenFaces = "frames_with_hidden_faces"
        case framesPerSecond = "frames_per_second"
    }
}
