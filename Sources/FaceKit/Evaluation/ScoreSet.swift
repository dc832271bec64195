/// Genuine and impostor similarity scores of every pair of a labelled set of templates.
public struct ScoreSet: Sendable {
    /// Scores of pairs of the same identity.
    public var genuine: [Float]
    /// Scores of pairs of different identities.
    public var impostor: [Float]

    public init(genuine: [Float], impostor: [Float]) {
        self.genuine = genuine
        self.impostor = impostor
    }

    /// Scores all n·(n−1)/2 pairs of `templates`; `identities[i]` labels template i.
    public static func allPairs(templates: [FaceEmbedding], identities: [String]) -> ScoreSet {
        precondition(templates.count == identities.count, "one identity per template")
        // Integer labels make the inner loop cheap.
        var labelOf: [String: Int] = [:]
        let labels = identities.map { name in
            if let label = labelOf[name] { return label }
            labelOf[name] = labelOf.count
            return labelOf.count - 1
        }
        var genuine: [Float] = []
        var impostor: [Float] = []
        let n = templates.count
        impostor.reserveCapacity(n * (n - 1) / 2)
        for i in 0..<n {
            let a = templates[i].vector
            for j in (i + 1)..<n {
                let score = FaceEmbedding.dot(a, templates[j].vector)
                if labels[i] == labels[j] { genuine.append(score) } else { impostor.append(score) }
            }
        }
        return ScoreSet(genuine: genuine, impostor: impostor)
    }
}
