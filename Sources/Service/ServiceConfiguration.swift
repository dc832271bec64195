import Foundation
import Workflows

/// How `likeness serve` runs: where it listens, what it accepts and how it sheds load.
///
/// Every field can come from a JSON config file, from `LIKENESS_*` environment variables and
/// from command-line flags (flags win, then the environment, then the file).
public struct ServiceConfiguration: Sendable, Codable, Equatable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// The admin listener's port (`/metrics` with tenant labels, `/readyz`, `/healthz`, no key);
    /// 0, the default, runs none.
    public var adminPort = 0
    /// Where the admin listener listens; loopback unless the operator says otherwise.
    public var adminHost = "127.0.0.1"
    /// The largest request body accepted (default 20 MB).
    public var maxBodyBytes = 20_000_000
    /// The largest single encoded image (default 15 MB).
    public var maxImageBytes = 15_000_000
    /// The most pixels an image may decode to (default 40 megapixels).
    public var maxImagePixels = 40_000_000
    /// Images one request may carry (enrolment and clustering take several).
    public var maxImagesPerRequest = 100
    /// Seconds a client may take to send its request, and a connection may stay idle.
    public var requestTimeoutSeconds = 30.0
    /// Image requests running or waiting for an inference worker at once; more get 503 `overloaded`.
    /// Zero means sixteen per inference worker.
    public var maxInFlight = 0
    /// Image requests that may wait, body unread, to be admitted; more get 503 `overloaded` at
    /// once. -1 means four times `maxInFlight`.
    public var maxWaiting = -1
    /// Seconds a request may wait to be admitted before it gets 503 `overloaded`.
    public var queueTimeoutSeconds = 5.0
    /// Body bytes those requests may hold at once (default 256 MB); a body of unknown length
    /// counts as `maxBodyBytes`. One request is always admitted when none is in flight.
    public var maxInFlightBytes = 256_000_000
    /// Bytes of decoded pixels those requests may hold at once (default 400 MB: 3 bytes a pixel,
    /// reserved from each image's header before it is decoded). One request is always admitted
    /// when none holds pixels; one image larger than the whole budget is 413 `image_too_large`.
    public var maxInFlightDecodedBytes = 400_000_000
    /// The fraction of each admission bound (requests in flight, body bytes, decoded bytes, the
    /// waiting line) one tenant may hold; liveness uploads under a capture token share one bucket.
    public var maxTenantShare = 0.5
    /// Sustained requests per second each API key may make (token bucket refill rate).
    public var rateLimitPerSecond = 50.0
    /// Requests a key may make in a burst above the sustained rate.
    public var rateLimitBurst = 100.0
    /// The largest liveness recording, in bytes (default 15 MB) and seconds (default 10).
    public var maxVideoBytes = 15_000_000
    public var maxVideoSeconds = 10.0
    /// The most frames a liveness recording may have; 0 (the default) is 64 a second of
    /// `maxVideoSeconds` (640). More is 413 `video_too_many_frames`.
    public var maxVideoFrames = 0
    /// The most pixels each decoded frame of a liveness recording may have (default 1920×1080);
    /// more is 413 `video_frame_too_large`.
    public var maxVideoFramePixels = 1920 * 1080
    /// The seconds of inference-worker time one liveness recording may use, summed over the
    /// workers (default 60; waiting for a worker does not count); more is 422 `video_too_slow`.
    /// A genuine 7 s browser recording needs well under half of it on a busy 2-core machine.
    public var maxVideoAnalysisSeconds = 60.0
    /// How long a liveness session may be used after it is created (default 90 s).
    public var livenessSessionSeconds = 90.0
    /// Where liveness recordings wait for their analysis; nil: `likeness-recordings-<uid>` in the
    /// temporary directory. Created 0700; a symlink or another user's directory is refused.
    public var recordingsDir: String?
    /// The false-match rate of 1:1 decisions when a request names none.
    public var defaultFMR = 1e-4
    /// The false-match rate of the duplicate check at enrolment. (1:N search and identify decide
    /// at a false-positive identification rate for the gallery's size instead: `IdentificationPoint`.)
    public var defaultSearchFMR = 1e-5
    /// Each tenant's enrolment quality profile and the overrides its requests may ask for
    /// (the file's `enrollment` section; `likeness serve --enrollment-profile`, `--enrollment-allow`).
    public var enrollment = EnrollmentPolicy()

    public init() {}

    /// The config file's keys.
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case host, port
        case adminPort = "admin_port"
        case adminHost = "admin_host"
        case maxBodyBytes = "max_body_bytes"
        case maxImageBytes = "max_image_bytes"
        case maxImagePixels = "max_image_pixels"
        case maxImagesPerRequest = "max_images_per_request"
        case requestTimeoutSeconds = "request_timeout_seconds"
        case maxInFlight = "max_in_flight"
        case maxInFlightBytes = "max_in_flight_bytes"
        case maxInFlightDecodedBytes = "max_in_flight_decoded_bytes"
        case maxTenantShare = "max_tenant_share"
        case maxWaiting = "max_waiting"
        case queueTimeoutSeconds = "queue_timeout_seconds"
        case rateLimitPerSecond = "rate_limit_per_second"
        case rateLimitBurst = "rate_limit_burst"
        case maxVideoBytes = "max_video_bytes"
        case maxVideoSeconds = "max_video_seconds"
        case maxVideoFrames = "max_video_frames"
        case maxVideoFramePixels = "max_video_frame_pixels"
        case maxVideoAnalysisSeconds = "max_video_analysis_seconds"
        case livenessSessionSeconds = "liveness_session_seconds"
        case recordingsDir = "recordings_dir"
        case defaultFMR = "default_fmr"
        case defaultSearchFMR = "default_search_fmr"
        case enrollment
    }

    /// Reads every field the file names; the others keep their defaults.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func read<T: Decodable>(_ key: CodingKeys, _ value: inout T) throws {
            if let decoded = try container.decodeIfPresent(T.self, forKey: key) { value = decoded }
        }
        try read(.host, &host)
        try read(.port, &port)
        try read(.adminPort, &adminPort)
        try read(.adminHost, &adminHost)
        try read(.maxBodyBytes, &maxBodyBytes)
        try read(.maxImageBytes, &maxImageBytes)
        try read(.maxImagePixels, &maxImagePixels)
        try read(.maxImagesPerRequest, &maxImagesPerRequest)
        try read(.requestTimeoutSeconds, &requestTimeoutSeconds)
        try read(.maxInFlight, &maxInFlight)
        try read(.maxInFlightBytes, &maxInFlightBytes)
        try read(.maxInFlightDecodedBytes, &maxInFlightDecodedBytes)
        try read(.maxTenantShare, &maxTenantShare)
        try read(.maxWaiting, &maxWaiting)
        try read(.queueTimeoutSeconds, &queueTimeoutSeconds)
        try read(.rateLimitPerSecond, &rateLimitPerSecond)
        try read(.rateLimitBurst, &rateLimitBurst)
        try read(.maxVideoBytes, &maxVideoBytes)
        try read(.maxVideoSeconds, &maxVideoSeconds)
        try read(.maxVideoFrames, &maxVideoFrames)
        try read(.maxVideoFramePixels, &maxVideoFramePixels)
        try read(.maxVideoAnalysisSeconds, &maxVideoAnalysisSeconds)
        try read(.livenessSessionSeconds, &livenessSessionSeconds)
        recordingsDir = try container.decodeIfPresent(String.self, forKey: .recordingsDir) ?? recordingsDir
        try read(.defaultFMR, &defaultFMR)
        try read(.defaultSearchFMR, &defaultSearchFMR)
        try read(.enrollment, &enrollment)
    }

    /// The problems with these settings, one line each; empty when they are usable.
    public func problems() -> [String] {
        var problems: [String] = []
        if !(1...65_535).contains(port) { problems.append("port must be in 1...65535") }
        if !(0...65_535).contains(adminPort) { problems.append("admin_port must be in 0...65535 (0: no admin listener)") }
        if adminPort != 0 && adminPort == port {
            problems.append("admin_port must differ from port")
        }
        if !(1_000...500_000_000).contains(maxBodyBytes) {
            problems.append("max_body_bytes must be in 1000...500000000")
        }
        if !(1_000...maxBodyBytes).contains(maxImageBytes) {
            problems.append("max_image_bytes must be in 1000...max_body_bytes")
        }
        if !(1_024...400_000_000).contains(maxImagePixels) {
            problems.append("max_image_pixels must be in 1024...400000000")
        }
        if !(1...1_000).contains(maxImagesPerRequest) { problems.append("max_images_per_request must be in 1...1000") }
        if !(requestTimeoutSeconds >= 1 && requestTimeoutSeconds <= 3_600) {
            problems.append("request_timeout_seconds must be in 1...3600")
        }
        if !(0...10_000).contains(maxInFlight) { problems.append("max_in_flight must be in 0...10000") }
        if !(-1...100_000).contains(maxWaiting) { problems.append("max_waiting must be in -1...100000") }
        if !(queueTimeoutSeconds >= 0 && queueTimeoutSeconds <= 600) {
            problems.append("queue_timeout_seconds must be in 0...600")
        }
        if !(1_000_000...100_000_000_000).contains(maxInFlightBytes) {
            problems.append("max_in_flight_bytes must be in 1000000...100000000000")
        }
        if !(rateLimitPerSecond > 0 && rateLimitPerSecond <= 1_000_000) {
            problems.append("rate_limit_per_second must be in (0, 1000000]")
        }
        if !(1_000_000...100_000_000_000).contains(maxInFlightDecodedBytes) {
            problems.append("max_in_flight_decoded_bytes must be in 1000000...100000000000")
        }
        if !(maxTenantShare > 0 && maxTenantShare <= 1) { problems.append("max_tenant_share must be in (0, 1]") }
        if !(rateLimitBurst >= 1 && rateLimitBurst <= 1_000_000) {
            problems.append("rate_limit_burst must be in 1...1000000")
        }
        if !(1_000...maxBodyBytes).contains(maxVideoBytes) {
            problems.append("max_video_bytes must be in 1000...max_body_bytes")
        }
        if !(maxVideoSeconds >= 1 && maxVideoSeconds <= 120) { problems.append("max_video_seconds must be in 1...120") }
        if !(0...100_000).contains(maxVideoFrames) { problems.append("max_video_frames must be in 0...100000") }
        if !(76_800...8_294_400).contains(maxVideoFramePixels) {
            problems.append("max_video_frame_pixels must be in 76800...8294400 (320x240 to 3840x2160)")
        }
        if !(maxVideoAnalysisSeconds >= 1 && maxVideoAnalysisSeconds <= 600) {
            problems.append("max_video_analysis_seconds must be in 1...600")
        }
        if !(livenessSessionSeconds >= 10 && livenessSessionSeconds <= 3_600) {
            problems.append("liveness_session_seconds must be in 10...3600")
        }
        if let recordingsDir, recordingsDir.isEmpty || recordingsDir.utf8.contains(0) {
            problems.append("recordings_dir must be a path")
        }
        for (name, fmr) in [("default_fmr", defaultFMR), ("default_search_fmr", defaultSearchFMR)]
        where !(fmr > 0 && fmr < 1) {
            problems.append("\(name) must be in (0, 1)")
        }
        problems += enrollment.problems()
        return problems
    }
}
