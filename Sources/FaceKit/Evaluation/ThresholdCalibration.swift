import Foundation

/// Decision thresholds calibrated to false-match rates on a labelled impostor set.
///
/// A caller picks an operating point by the false-match rate it can accept (`fmr`), never by a
/// raw similarity: the calibration turns the rate into the threshold for this model pack.
public struct ThresholdCalibration: Sendable, Codable, Equatable {
    /// One operating point.
    public struct OperatingPoint: Sendable, Codable, Equatable {
        /// The nominal false-match rate.
        public var fmr: Double
        /// Similarity at or above which two faces are declared the same person.
        public var threshold: Double
        /// 95 % bootstrap confidence interval of the threshold.
        public var thresholdLow: Double
        public var thresholdHigh: Double
        /// False non-match rate of the calibration set's genuine pairs at the threshold.
        public var fnmr: Double
        /// Impostor pairs at or above the threshold in the calibration set.
        public var impostorsAbove: Int

        enum CodingKeys: String, CodingKey {
            case fmr, threshold, fnmr
            case thresholdLow = "threshold_low"
            case thresholdHigh = "threshold_high"
            case impostorsAbove = "impostors_above"
        }
    }

    /// The model pack the scores came from; a calibration is valid for that pack only.
    public var modelPack: String
    /// What the scores were computed on.
    public var dataset: String
    public var genuinePairs: Int
    public var impostorPairs: Int
    public var bootstrapReplicates: Int
    public var points: [OperatingPoint]

    enum CodingKeys: String, CodingKey {
        case dataset, points
        case modelPack = "model_pack"
        case genuinePairs = "genuine_pairs"
        case impostorPairs = "impostor_pairs"
        case bootstrapReplicates = "bootstrap_replicates"
    }

    /// The false-match rates a calibration computes by default.
    public static let standardRates: [Double] = [1e-2, 1e-3, 1e-4, 1e-5, 1e-6]

    /// The operating point for `fmr`, which must be one of the calibrated rates.
    public func point(fmr: Double) throws -> OperatingPoint {
        guard let point = points.first(where: { abs($0.fmr - fmr) <= fmr * 1e-9 }) else {
            let available = points.map { "\($0.fmr)" }.joined(separator: ", ")
            throw FaceKitError(.invalidArgument, "no operating point for FMR \(fmr); calibrated: \(available)")
        }
        return point
    }

    /// Calibrates thresholds for `rates` from a score set.
    ///
    /// The threshold for rate p is the smallest score at which at most ⌊p·n⌋ of the n impostor
    /// scores are at or above it. The confidence interval comes from a bootstrap of the
    /// impostor scores (resampled with replacement, `replicates` times): only the top of the
    /// sorted scores can hold a replicate's threshold, so each replicate draws how many of its n
    /// samples fall in that top block and where, which is exact and needs no n-sized resample.
    /// Rates with fewer than 1/p impostors are left out: they cannot be measured.
    public static func calibrate(
        scores: ScoreSet, rates: [Double] = standardRates, replicates: Int = 1000, seed: UInt64 = 0x11CE,
        modelPack: String, dataset: String
    ) -> ThresholdCalibration {
        let impostors = scores.impostor.sorted(by: >)
        let genuine = scores.genuine.sorted()
        var random = SplitMix64(seed: seed)
        var points: [OperatingPoint] = []
        for rate in rates where Double(impostors.count) * rate >= 1 {
            let allowed = Int((rate * Double(impostors.count)).rounded(.down))
            let threshold = thresholdAllowing(allowed, in: impostors)
            var estimates: [Double] = []
            estimates.reserveCapacity(replicates)
            for _ in 0..<replicates {
                estimates.append(bootstrapThreshold(allowed: allowed, impostors: impostors, random: &random))
            }
            estimates.sort()
            let low = estimates[Int(Double(replicates - 1) * 0.025)]
            let high = estimates[Int(Double(replicates - 1) * 0.975)]
            let rejected = countBelow(Float(threshold), in: genuine)
            points.append(
                OperatingPoint(
                    fmr: rate, threshold: threshold, thresholdLow: low, thresholdHigh: high,
                    fnmr: genuine.isEmpty ? 0 : Double(rejected) / Double(genuine.count),
                    impostorsAbove: impostors.count - countBelow(Float(threshold), in: impostors.reversed())))
        }
        return ThresholdCalibration(
            modelPack: modelPack, dataset: dataset, genuinePairs: scores.genuine.count,
            impostorPairs: impostors.count, bootstrapReplicates: replicates, points: points)
    }

    /// The threshold just above the (allowed+1)-th highest impostor score.
    static func thresholdAllowing(_ allowed: Int, in descending: [Float]) -> Double {
        guard allowed < descending.count else { return Double(descending.last!) }
        return Double(descending[allowed].nextUp)
    }

    /// One bootstrap replicate of the threshold. In a resample of n draws from n scores, the
    /// number landing in the top m scores is Binomial(n, m/n); the replicate's threshold is set
    /// by the (allowed+1)-th highest draw, which lies in the top block when m is generous.
    static func bootstrapThreshold(allowed: Int, impostors: [Float], random: inout SplitMix64) -> Double {
        let n = impostors.count
        let m = min(n, 3 * (allowed + 1) + 100)
        let inTop = random.binomial(trials: n, probability: Double(m) / Double(n))
        guard inTop > allowed else { return Double(impostors[m - 1]) }
        var ranks = (0..<inTop).map { _ in Int(random.next() % UInt64(m)) }
        ranks.sort()
        return thresholdAllowing(allowed, in: ranks.map { impostors[$0] })
    }

    /// Number of values strictly below `value` in an ascending array.
    static func countBelow<C: Collection>(_ value: Float, in ascending: C) -> Int where C.Element == Float {
        var count = 0
        for v in ascending {
            guard v < value else { break }
            count += 1
        }
        return count
    }
}

/// A small, fast, reproducible generator (SplitMix64) for resampling and synthetic data.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// A Binomial(trials, probability) draw: exact by counting for small means, normal
    /// approximation (continuity-corrected) once the mean and its complement both exceed 50.
    mutating func binomial(trials: Int, probability: Double) -> Int {
        let mean = Double(trials) * probability
        if mean > 50 && Double(trials) - mean > 50 {
            let sd = (mean * (1 - probability)).squareRoot()
            // Box–Muller.
            let u1 = max(unit(), 1e-300)
            let u2 = unit()
            let z = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
            return min(trials, max(0, Int((mean + sd * z).rounded())))
        }
        // Small mean: count successes by waiting times (geometric gaps), O(mean).
        guard probability > 0 else { return 0 }
        guard probability < 1 else { return trials }
        var successes = 0
        var position = 0
        let logQ = log(1 - probability)
        while true {
            position += Int((log(max(unit(), 1e-300)) / logQ).rounded(.down)) + 1
            if position > trials { return successes }
            successes += 1
        }
    }
}
