import Foundation
import VectorIndex
import Testing

@testable import Clustering

@Suite("Clustering")
struct ClusteringTests {
    func hit(_ id: Int, _ similarity: Float) -> SearchHit { SearchHit(id: Int64(id), similarity: similarity) }

    @Test("components follow the edges at or above the threshold; faces with none stay alone")
    func components() {
        // 0–1–2 chained above 0.45, 3–4 linked, 5 linked only below the threshold.
        let graph: [[SearchHit]] = [
            [hit(1, 0.7)], [hit(0, 0.7), hit(2, 0.5)], [hit(1, 0.5), hit(5, 0.3)], [hit(4, 0.45)], [hit(3, 0.45)],
            [hit(2, 0.3)],
        ]
        let labels = GraphClustering(threshold: 0.45).labels(graph: graph)
        #expect(labels[0] == labels[1] && labels[1] == labels[2])
        #expect(labels[3] == labels[4] && labels[3] != labels[0])
        #expect(Set(labels).count == 3)
        #expect(labels[5] != labels[2])
        #expect(Set(GraphClustering(threshold: 0.2).labels(graph: graph)).count == 2)
    }

    @Test("pairwise and BCubed scores match hand-computed values")
    func evaluation() {
        // Truth: a a a b b; predicted: {0,1} {2,3,4}.
        let e = ClusterEvaluation.compare(predicted: [0, 0, 1, 1, 1], truth: ["a", "a", "a", "b", "b"])
        #expect(abs(e.pairwisePrecision - 2.0 / 4.0) < 1e-12)  // together: (0,1),(3,4) of 1 + 3 predicted pairs
        #expect(abs(e.pairwiseRecall - 2.0 / 4.0) < 1e-12)  // of 3 + 1 true pairs
        // BCubed precision: (1+1+1/3+2/3+2/3)/5 = 11/15; recall: (2/3+2/3+1/3+1+1)/5 = 11/15.
        #expect(abs(e.bcubedF - 11.0 / 15.0) < 1e-12)
        let perfect = ClusterEvaluation.compare(predicted: [4, 4, 9], truth: [1, 1, 2])
        #expect(perfect.pairwiseF == 1 && perfect.bcubedF == 1)
    }

    @Test("group ids survive a re-run: unchanged groups keep theirs, grown groups keep theirs, new ones get fresh ids")
    func stableIDs() {
        let previous = ["a1": 3, "a2": 3, "b1": 7, "b2": 7, "c1": 9, "c2": 9]
        var next = 10
        // a unchanged, b grew, c split into c1+d1 (keeps 9) and c2 alone (unsorted, not a group), e new.
        let ids = StableGroups.assign(
            clusters: [["b1", "b2", "b3"], ["a1", "a2"], ["c1", "d1"], ["e1", "e2"]], previous: previous, nextID: &next)
        #expect(ids == [7, 3, 9, 10])
        #expect(next == 11)
        // Two new clusters claiming the same old id: the larger overlap wins, the other is new.
        var next2 = 20
        let split = StableGroups.assign(
            clusters: [["a1"], ["a2", "x", "y"], ["z1", "z2"]], previous: ["a1": 5, "a2": 5, "x": 5], nextID: &next2)
        #expect(split == [20, 5, 21])
    }

    @Test("the k-NN graph finds each face's own group, exact and with the scan index")
    func neighbourGraph() throws {
        var rows: [Float] = []
        var truth: [Int] = []
        for person in 0..<300 {
            let centre = TemplateVectors.unit(seed: UInt64(person + 1))
            for copy in 0..<4 {
                rows.append(
                    contentsOf: TemplateVectors.near(centre, seed: UInt64(10_000 + person * 10 + copy), cosine: 0.8))
                truth.append(person)
            }
        }
        for exactBelow in [10_000, 100] {
            let graph = try NeighbourGraph.build(vectors: rows, dimension: 512, k: 5, exactBelow: exactBelow)
            #expect(graph.count == 1_200)
            #expect(graph.enumerated().allSatisfy { row, hits in !hits.contains { $0.id == Int64(row) } })
            let labels = GraphClustering(threshold: 0.45).labels(graph: graph)
            let score = ClusterEvaluation.compare(predicted: labels, truth: truth)
            #expect(score.pairwisePrecision == 1 && score.pairwiseRecall == 1, "exactBelow \(exactBelow)")
        }
    }
}

/// Seeded synthetic templates for these tests.
enum TemplateVectors {
    static func unit(seed: UInt64) -> [Float] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        var values: [Float] = []
        values.reserveCapacity(512)
        while values.count < 512 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            let u1 = (Double(state >> 11) + 0.5) / Double(1 << 53)
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            let u2 = Double(state >> 11) / Double(1 << 53)
            values.append(Float((-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)))
        }
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return values.map { $0 / norm }
    }

    /// A unit vector with the given cosine to `centre`.
    static func near(_ centre: [Float], seed: UInt64, cosine: Float) -> [Float] {
        var noise = unit(seed: seed)
        let along = zip(noise, centre).reduce(0) { $0 + $1.0 * $1.1 }
        noise = zip(noise, centre).map { $0 - along * $1 }
        let norm = noise.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let sine = (1 - cosine * cosine).squareRoot()
        return zip(centre, noise).map { cosine * $0 + sine * $1 / norm }
    }
}
