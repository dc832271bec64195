/// Agreement between a clustering and true identities.
public struct ClusterEvaluation: Sendable, Equatable, Codable {
    /// Of the pairs put together, the share that are the same person.
    public var pairwisePrecision: Double
    /// Of the same-person pairs, the share put together.
    public var pairwiseRecall: Double
    public var pairwiseF: Double
    /// BCubed F: per-face precision and recall, averaged.
    public var bcubedF: Double

    enum CodingKeys: String, CodingKey {
        case pairwisePrecision = "pairwise_precision"
        case pairwiseRecall = "pairwise_recall"
        case pairwiseF = "pairwise_f"
        case bcubedF = "bcubed_f"
    }

    /// Compares predicted labels with true labels (same length).
    public static func compare<Truth: Hashable>(predicted: [Int], truth: [Truth]) -> ClusterEvaluation {
        precondition(predicted.count == truth.count)
        func pairs(_ n: Int) -> Double { Double(n) * Double(n - 1) / 2 }
        var clusterSize: [Int: Int] = [:]
        var classSize: [Truth: Int] = [:]
        var both: [Pair<Truth>: Int] = [:]
        for (label, person) in zip(predicted, truth) {
            clusterSize[label, default: 0] += 1
            classSize[person, default: 0] += 1
            both[Pair(label: label, person: person), default: 0] += 1
        }
        let together = both.values.reduce(0.0) { $0 + pairs($1) }
        let predictedPairs = clusterSize.values.reduce(0.0) { $0 + pairs($1) }
        let truePairs = classSize.values.reduce(0.0) { $0 + pairs($1) }
        let precision = predictedPairs > 0 ? together / predictedPairs : 1
        let recall = truePairs > 0 ? together / truePairs : 1
        var bPrecision = 0.0
        var bRecall = 0.0
        for (label, person) in zip(predicted, truth) {
            let shared = Double(both[Pair(label: label, person: person)]!)
            bPrecision += shared / Double(clusterSize[label]!)
            bRecall += shared / Double(classSize[person]!)
        }
        bPrecision /= Double(max(1, predicted.count))
        bRecall /= Double(max(1, predicted.count))
        func f(_ p: Double, _ r: Double) -> Double { p + r > 0 ? 2 * p * r / (p + r) : 0 }
        return ClusterEvaluation(
            pairwisePrecision: precision, pairwiseRecall: recall, pairwiseF: f(precision, recall),
            bcubedF: f(bPrecision, bRecall))
    }

    private struct Pair<Truth: Hashable>: Hashable {
        var label: Int
        var person: Truth
    }
}
