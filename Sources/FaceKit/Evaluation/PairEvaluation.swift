/// Accuracy figures for labelled pairs of similarity scores.
public struct PairEvaluation: Sendable {
    /// One labelled comparison.
    public struct Pair: Sendable {
        public var similarity: Double
        public var isSamePerson: Bool

        public init(similarity: Double, isSamePerson: Bool) {
            self.similarity = similarity
            self.isSamePerson = isSamePerson
        }
    }

    /// True accept rate at the threshold that keeps the false match rate at or below a target.
    public struct OperatingPoint: Sendable, Equatable {
        public var fmr: Double
        public var threshold: Double
        public var tar: Double
    }

    public let pairs: [Pair]

    public init(pairs: [Pair]) {
        self.pairs = pairs
    }

    /// The best accuracy any single threshold reaches on all pairs, and that threshold
    /// (the midpoint between the two scores it separates).
    public func bestAccuracy() -> (accuracy: Double, threshold: Double) {
        PairEvaluation.bestThreshold(pairs)
    }

    /// Mean and standard deviation of accuracy over `folds` folds, each scored at the threshold
    /// that is best on the other folds. Pair i belongs to fold i mod `folds`, so folds mix
    /// same-person and different-person pairs even when the file lists them in blocks.
    public func crossValidatedAccuracy(folds: Int = 10) -> (mean: Double, standardDeviation: Double) {
        guard folds >= 2, pairs.count >= folds else { return (bestAccuracy().accuracy, 0) }
        var accuracies: [Double] = []
        for fold in 0..<folds {
            let train = pairs.enumerated().filter { $0.offset % folds != fold }.map(\.element)
            let test = pairs.enumerated().filter { $0.offset % folds == fold }.map(\.element)
            let threshold = PairEvaluation.bestThreshold(train).threshold
            accuracies.append(PairEvaluation.accuracy(test, threshold: threshold))
        }
        let mean = accuracies.reduce(0, +) / Double(folds)
        let variance = accuracies.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(folds)
        return (mean, variance.squareRoot())
    }

    /// TAR at a false match rate, or nil when there are too few impostor pairs to measure it
    /// (fewer than 1 / fmr).
    public func operatingPoint(fmr: Double) -> OperatingPoint? {
        let impostors = pairs.filter { !$0.isSamePerson }.map(\.similarity).sorted(by: >)
        let genuine = pairs.filter(\.isSamePerson).map(\.similarity)
        guard fmr > 0, !genuine.isEmpty, Double(impostors.count) * fmr >= 1 else { return nil }
        // Allow at most floor(fmr × n) impostors at or above the threshold: put the threshold
        // just above the first impostor that would exceed that budget.
        let allowed = Int((fmr * Double(impostors.count)).rounded(.down))
        let threshold = allowed < impostors.count ? impostors[allowed].nextUp : impostors[0]
        let accepted = genuine.filter { $0 >= threshold }.count
        return OperatingPoint(fmr: fmr, threshold: threshold, tar: Double(accepted) / Double(genuine.count))
    }

    static func accuracy(_ pairs: [Pair], threshold: Double) -> Double {
        guard !pairs.isEmpty else { return 0 }
        let correct = pairs.filter { ($0.similarity >= threshold) == $0.isSamePerson }.count
        return Double(correct) / Double(pairs.count)
    }

    static func bestThreshold(_ pairs: [Pair]) -> (accuracy: Double, threshold: Double) {
        guard !pairs.isEmpty else { return (0, 0) }
        let sorted = pairs.sorted { $0.similarity < $1.similarity }
        // Threshold below everything: all called "same".
        var correct = sorted.filter(\.isSamePerson).count
        var best = (correct, sorted[0].similarity - 1e-6)
        for i in 0..<sorted.count {
            // Moving the threshold above sorted[i] turns it into a "different" call.
            correct += sorted[i].isSamePerson ? -1 : 1
            if i + 1 < sorted.count && sorted[i + 1].similarity == sorted[i].similarity { continue }
            let threshold =
                i + 1 < sorted.count
                ? (sorted[i].similarity + sorted[i + 1].similarity) / 2 : sorted[i].similarity + 1e-6
            if correct > best.0 { best = (correct, threshold) }
        }
        return (Double(best.0) / Double(pairs.count), best.1)
    }
}
