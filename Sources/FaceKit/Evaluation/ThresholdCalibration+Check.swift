extension ThresholdCalibration {
    /// How one calibrated operating point behaves on scores it was not fitted on.
    public struct HeldOutResult: Sendable, Codable, Equatable {
        public var nominalFMR: Double
        public var threshold: Double
        public var impostorPairs: Int
        public var falseMatches: Int
        public var measuredFMR: Double
        public var genuinePairs: Int
        public var fnmr: Double

        enum CodingKeys: String, CodingKey {
            case threshold, fnmr
            case nominalFMR = "nominal_fmr"
            case impostorPairs = "impostor_pairs"
            case falseMatches = "false_matches"
            case measuredFMR = "measured_fmr"
            case genuinePairs = "genuine_pairs"
        }
    }

    /// Measures every operating point's false-match and false non-match rates on `scores`.
    public func check(on scores: ScoreSet) -> [HeldOutResult] {
        points.map { point in
            let threshold = Float(point.threshold)
            let falseMatches = scores.impostor.reduce(0) { $0 + ($1 >= threshold ? 1 : 0) }
            let falseRejects = scores.genuine.reduce(0) { $0 + ($1 < threshold ? 1 : 0) }
            return HeldOutResult(
                nominalFMR: point.fmr, threshold: point.threshold, impostorPairs: scores.impostor.count,
                falseMatches: falseMatches,
                measuredFMR: scores.impostor.isEmpty ? 0 : Double(falseMatches) / Double(scores.impostor.count),
                genuinePairs: scores.genuine.count,
                fnmr: scores.genuine.isEmpty ? 0 : Double(falseRejects) / Double(scores.genuine.count))
        }
    }
}
