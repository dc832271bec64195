/// `likeness video find`: every stretch of each video where the person appears.
public struct AppearanceDocument: Codable, Sendable, Equatable {
    /// Who was looked for.
    public struct Probe: Codable, Sendable, Equatable {
        /// `subject` (an enrolled subject's templates) or `image` (a probe photo).
        public var kind: String
        public var subject: String?
        public var image: String?

        public init(kind: String, subject: String? = nil, image: String? = nil) {
            self.kind = kind
            self.subject = subject
            self.image = image
        }
    }

    public struct Appearance: Codable, Sendable, Equatable {
        /// Seconds from the start of the video.
        public var start: Double
        public var end: Double
        /// The highest similarity in the stretch, and when it was seen.
        public var bestSimilarity: Double
        public var bestAt: Double
        /// Sampled frames in the stretch where the person was recognised.
        public var sightings: Int
        /// A JPEG of the face at its best moment, base64 (about 100 px high).
        public var thumbnail: String

        enum CodingKeys: String, CodingKey {
            case start, end, sightings, thumbnail
            case bestSimilarity = "best_similarity"
            case bestAt = "best_at"
        }
    }

    public struct Video: Codable, Sendable, Equatable {
        public var path: String
        public var duration: Double
        public var width: Int
        public var height: Int
        /// Frames analysed (at `sample_rate` per second of video).
        public var framesSampled: Int
        /// Sampled frames with at least one face.
        public var framesWithFaces: Int
        public var appearances: [Appearance]
        /// Seconds of video analysed per second of wall-clock time.
        public var speed: Double

        enum CodingKeys: String, CodingKey {
            case path, duration, width, height, appearances, speed
            case framesSampled = "frames_sampled"
            case framesWithFaces = "frames_with_faces"
        }
    }

    public var probe: Probe
    public var threshold: Double
    public var fmr: Double?
    public var sampleRate: Double
    /// Sightings closer than this (seconds) belong to one appearance.
    public var mergeGap: Double
    public var minimumSightings: Int
    public var detector: RedactionDocument.Detector
    public var videos: [Video]

    public init(
        probe: Probe, threshold: Double, fmr: Double?, sampleRate: Double, mergeGap: Double, minimumSightings: Int,
        detector: RedactionDocument.Detector, videos: [Video]
    ) {
        self.probe = probe
        self.threshold = threshold
        self.fmr = fmr
        self.sampleRate = sampleRate
        self.mergeGap = mergeGap
        self.minimumSightings = minimumSightings
        self.detector = detector
        self.videos = videos
    }

    enum CodingKeys: String, CodingKey {
        case probe, threshold, fmr, detector, videos
        case sampleRate = "sample_rate"
        case mergeGap = "merge_gap"
        case minimumSightings = "minimum_sightings"
    }
}
