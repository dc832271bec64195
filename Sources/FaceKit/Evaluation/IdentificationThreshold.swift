import Foundation

/// The threshold of a 1:N search that holds a false-positive identification rate (FPIR): the
/// chance that a probe of somebody who is not enrolled is matched to anybody.
///
/// The model is the independence bound. A search of a gallery of `comparisons` templates makes
/// that many comparisons; if a stranger's scores against them were independent, each a false
/// match with probability p (the per-comparison FMR), then FPIR = 1 − (1 − p)^n, so
/// p = 1 − (1 − FPIR)^(1/n). The threshold for p comes from the calibration's impostor scores:
/// at a calibrated rate it is the calibrated threshold; between two calibrated rates it is
/// linear in log₁₀(FMR), i.e. the impostor tail is taken as exponential between the two points.
///
/// n counts templates, not subjects: a search ranks each subject by its best template, so a
/// subject with m templates offers a stranger m chances. Templates of one person are alike, so
/// their chances overlap and the bound over-counts: the FPIR held is at most the one requested.
public struct IdentificationThreshold: Sendable, Equatable {
    /// The FPIR the threshold holds for `comparisons` templates under the model.
    public var fpir: Double
    /// The per-comparison false-match rate.
    public var fmr: Double
    /// Similarity at or above which a candidate is a match.
    public var threshold: Double
    /// The number of templates a search compares the probe with (at least 1).
    public var comparisons: Int

    public init(fpir: Double, fmr: Double, threshold: Double, comparisons: Int) {
        self.fpir = fpir
        self.fmr = fmr
        self.threshold = threshold
        self.comparisons = comparisons
    }

    /// The per-comparison FMR that gives `fpir` over `comparisons` independent comparisons.
    public static func comparisonFMR(fpir: Double, comparisons: Int) -> Double {
        -expm1(log1p(-fpir) / Double(max(comparisons, 1)))
    }

    /// The FPIR of `comparisons` independent comparisons at a per-comparison `fmr`.
    public static func fpir(fmr: Double, comparisons: Int) -> Double {
        -expm1(Double(max(comparisons, 1)) * log1p(-fmr))
    }
}

extension ThresholdCalibration {
    /// A calibrated point is used for the FPIR model only when at least this many calibration
    /// impostors are above its threshold: fewer are too few to place it (the shipped 1e-6 point
    /// rests on 5, most of them LFW labelling errors).
    public static let minimumImpostorsForModel = 10

    /// The calibrated points the FPIR model interpolates between, by descending FMR.
    public var modelPoints: [OperatingPoint] {
        points.filter { $0.impostorsAbove >= Self.minimumImpostorsForModel }.sorted { $0.fmr > $1.fmr }
    }

    /// The per-comparison FMRs the model covers: from the lowest to the highest usable point.
    public var modelRange: ClosedRange<Double>? {
        let usable = modelPoints
        guard let high = usable.first?.fmr, let low = usable.last?.fmr else { return nil }
        return low...high
    }

    /// The threshold for any FMR in `modelRange`: the calibrated one at a calibrated rate,
    /// linear in log₁₀(FMR) between neighbours; nil outside the range.
    public func interpolatedThreshold(fmr: Double) -> Double? {
        let usable = modelPoints
        guard let range = modelRange, fmr > 0 else { return nil }
        let tolerance = 1e-9
        guard fmr >= range.lowerBound * (1 - tolerance), fmr <= range.upperBound * (1 + tolerance) else { return nil }
        if let exact = usable.first(where: { abs($0.fmr - fmr) <= $0.fmr * tolerance }) { return exact.threshold }
        for (upper, lower) in zip(usable, usable.dropFirst()) where fmr <= upper.fmr && fmr >= lower.fmr {
            let position = (log10(upper.fmr) - log10(fmr)) / (log10(upper.fmr) - log10(lower.fmr))
            return upper.threshold + position * (lower.threshold - upper.threshold)
        }
        return nil
    }

    /// The threshold that holds `fpir` for a search over `comparisons` templates; nil when the
    /// per-comparison FMR it needs is outside `modelRange`.
    public func identificationThreshold(fpir: Double, comparisons: Int) -> IdentificationThreshold? {
        guard fpir > 0, fpir < 1 else { return nil }
        let n = max(comparisons, 1)
        let fmr = IdentificationThreshold.comparisonFMR(fpir: fpir, comparisons: n)
        guard let threshold = interpolatedThreshold(fmr: fmr) else { return nil }
        return IdentificationThreshold(fpir: fpir, fmr: fmr, threshold: threshold, comparisons: n)
    }

    /// The FPIR range the model can hold for `comparisons` templates.
    public func fpirRange(comparisons: Int) -> ClosedRange<Double>? {
        modelRange.map {
            IdentificationThreshold.fpir(
                fmr: $0.lowerBound, comparisons: comparisons)...IdentificationThreshold.fpir(
                    fmr: $0.upperBound, comparisons: comparisons)
        }
    }
}
