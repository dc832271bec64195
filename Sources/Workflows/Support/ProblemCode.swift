import FaceKit
import Gallery

/// The stable, machine-readable code of every error Likeness reports: the HTTP problem's `code`,
/// the CLI's `error: <code>: …` line.
///
/// One type for all layers above the libraries, so a code is spelled once; FaceKit's and
/// Gallery's own codes map into it.
public struct ProblemCode: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    // Requests and arguments
    /// A field, parameter or argument is missing, malformed or out of range.
    public static let validationFailed: ProblemCode = "validation_failed"
    public static let unauthorized: ProblemCode = "unauthorized"
    public static let notFound: ProblemCode = "not_found"
    public static let methodNotAllowed: ProblemCode = "method_not_allowed"
    public static let payloadTooLarge: ProblemCode = "payload_too_large"
    public static let unsupportedMediaType: ProblemCode = "unsupported_media_type"
    public static let requestTimeout: ProblemCode = "request_timeout"
    public static let rateLimited: ProblemCode = "rate_limited"
    public static let overloaded: ProblemCode = "overloaded"
    /// Multi-image work (`/v1/cluster`) ran past its wall-clock deadline and was stopped (503).
    public static let deadlineExceeded: ProblemCode = "deadline_exceeded"
    public static let notReady: ProblemCode = "not_ready"
    /// The HTTP parser refused the request: a garbage request line, a bad or repeated
    /// `Content-Length`, a header line HTTP does not allow.
    public static let malformedRequest: ProblemCode = "malformed_request"
    /// The request's header block is over the server's limit (431).
    public static let headersTooLarge: ProblemCode = "headers_too_large"
    /// A tenant's search index could not be built; its searches fail until a retry succeeds.
    public static let indexUnavailable: ProblemCode = "index_unavailable"
    public static let internalError: ProblemCode = "internal_error"

    // Faces and decisions
    public static let lowQuality: ProblemCode = "low_quality"
    public static let possibleDuplicate: ProblemCode = "possible_duplicate"
    public static let uncalibratedFMR: ProblemCode = "uncalibrated_fmr"
    /// A 1:N search's `fpir` needs a per-comparison FMR outside the calibration, at this gallery size.
    public static let uncalibratedFPIR: ProblemCode = "uncalibrated_fpir"
    /// A request asked for an enrolment override (`profile`, `quality: "report"`) its tenant's
    /// enrolment policy does not allow.
    public static let overrideNotAllowed: ProblemCode = "override_not_allowed"

    // Liveness sessions
    public static let sessionUsed: ProblemCode = "session_used"
    public static let sessionExpired: ProblemCode = "session_expired"

    // Files and configuration (CLI)
    public static let fileNotFound: ProblemCode = "file_not_found"
    public static let fileUnreadable: ProblemCode = "file_unreadable"
    public static let fileUnwritable: ProblemCode = "file_unwritable"
    public static let invalidConfig: ProblemCode = "invalid_config"
    public static let invalidProfile: ProblemCode = "invalid_profile"
    public static let invalidCSV: ProblemCode = "invalid_csv"
    public static let invalidManifest: ProblemCode = "invalid_manifest"
    public static let noImages: ProblemCode = "no_images"
    public static let noCalibration: ProblemCode = "no_calibration"
    public static let tooFewPairs: ProblemCode = "too_few_pairs"
    public static let cacheCorrupt: ProblemCode = "cache_corrupt"
    public static let execFailed: ProblemCode = "exec_failed"
    /// `likeness serve`: the address or port to listen on is taken, or cannot be bound.
    public static let addressInUse: ProblemCode = "address_in_use"

    // Footage (redaction, finding a person in video)
    /// Not a video FFmpeg can read, or one without a video stream.
    public static let videoUnreadable: ProblemCode = "video_unreadable"
    /// The container promises more frames than could be decoded (a cut-off file).
    public static let videoTruncated: ProblemCode = "video_truncated"
    /// ffmpeg or ffprobe is missing or failed while writing the output.
    public static let encoderFailed: ProblemCode = "encoder_failed"

    /// FaceKit's code as the API reports it (`invalid_argument` is `validation_failed`).
    public init(_ code: FaceKitError.Code) {
        self = code == .invalidArgument ? .validationFailed : ProblemCode(rawValue: code.rawValue)
    }

    /// Gallery's code as the API reports it (`invalid_argument` is `validation_failed`).
    public init(_ code: GalleryError.Code) {
        self = code == .invalidArgument ? .validationFailed : ProblemCode(rawValue: code.rawValue)
    }
}
