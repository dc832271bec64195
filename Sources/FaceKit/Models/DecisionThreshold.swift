/// The similarity a decision is made at, and the false-match rate it was calibrated to.
public struct DecisionThreshold: Sendable, Equatable {
    /// Similarity at or above which two faces are the same person.
    public var threshold: Double
    /// The calibrated false-match rate of `threshold`; nil for a caller-chosen raw threshold.
    public var fmr: Double?
}
