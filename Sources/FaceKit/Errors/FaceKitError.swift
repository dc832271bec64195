/// An error from the face pipeline, with a stable machine-readable code.
public struct FaceKitError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable identifier for the kind of failure; safe to match on and to show to API users.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The bytes are not a decodable image (empty, truncated or corrupt).
        public static let imageUnreadable = Code(rawValue: "image_unreadable")
        /// The bytes are not in a supported image format.
        public static let unsupportedFormat = Code(rawValue: "unsupported_format")
        /// The encoded size or the pixel count exceeds the configured limits.
        public static let imageTooLarge = Code(rawValue: "image_too_large")
        /// The image is too small to hold a recognisable face.
        public static let imageTooSmall = Code(rawValue: "image_too_small")
        /// No face was found.
        public static let noFace = Code(rawValue: "no_face")
        /// More than one large face was found where one was required.
        public static let multipleFaces = Code(rawValue: "multiple_faces")
        /// A model file is missing, altered, or cannot be loaded.
        public static let modelUnavailable = Code(rawValue: "model_unavailable")
        /// A liveness video is longer than its limit.
        public static let videoTooLong = Code(rawValue: "video_too_long")
        /// A liveness video could not be opened or decoded.
        public static let videoUnreadable = Code(rawValue: "video_unreadable")
        /// A liveness video holds more frames than its limit (`LivenessLimits.maxFrames`).
        public static let videoTooManyFrames = Code(rawValue: "video_too_many_frames")
        /// A liveness video's frames are larger than its limit (`LivenessLimits.maxFramePixels`).
        public static let videoFrameTooLarge = Code(rawValue: "video_frame_too_large")
        /// A liveness video's timestamps do not advance, or its frame rate is implausible.
        public static let videoBadTimestamps = Code(rawValue: "video_bad_timestamps")
        /// A liveness video's analysis ran past its deadline (`LivenessLimits.maxAnalysisSeconds`).
        public static let videoTooSlow = Code(rawValue: "video_too_slow")
        /// Work bound by an `InferenceBudget` needed more inference-worker time than it allows.
        public static let inferenceBudgetExceeded = Code(rawValue: "deadline_exceeded")
        /// An argument is outside its allowed range.
        public static let invalidArgument = Code(rawValue: "invalid_argument")
        /// Inference or image processing failed unexpectedly.
        public static let internalFailure = Code(rawValue: "internal_error")
    }

    /// The stable code.
    public let code: Code
    /// A human-readable explanation; never contains image or template data.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
