import FaceKit
import Gallery

/// The threshold a decision is made at, and the false-match rate it was calibrated to.
public struct OperatingPoint: Sendable, Equatable {
    public var threshold: Double
    /// nil when the caller gave a raw threshold.
    public var fmr: Double?

    /// 1:1 verification's default false-match rate.
    public static let verifyFMR = 1e-4
    /// 1:N search's and duplicate detection's default: every search makes one comparison per
    /// enrolled template, so the chance that a stranger matches somebody is about N × FMR.
    public static let searchFMR = Gallery.defaultSearchFMR
    /// The identity check inside a liveness session (the same face throughout the recording).
    public static let livenessIdentityFMR = 1e-5

    /// The point for a raw `threshold`, else for `fmr`, else for `defaultFMR`, from the pack's
    /// calibration (`uncalibrated_fmr` when it has none for that rate).
    public init(pack: ModelPack, threshold: Double? = nil, fmr: Double? = nil, defaultFMR: Double) throws {
        if let fmr, !(fmr > 0 && fmr < 1) { throw WorkflowError(.validationFailed, "fmr must be in (0, 1)") }
        let point = try pack.decisionThreshold(threshold: threshold, fmr: threshold == nil ? fmr ?? defaultFMR : nil)
        self.threshold = point.threshold
        self.fmr = point.fmr
    }
}
