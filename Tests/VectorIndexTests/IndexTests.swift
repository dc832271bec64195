import Foundation
import TestSupport
import Testing
import VectorIndex

@testable import LikenessBench

@Suite("Search indexes")
struct IndexTests {
    static let dimension = 512

    /// Each query is gallery row `i` plus noise, so its true nearest neighbour is row `i`.
    static func queries(from gallery: [Float], rows: [Int], seed: UInt64) -> [Float] {
        rows.flatMap { row in
            let base = Array(gallery[(row * dimension)..<((row + 1) * dimension)])
            return TestVectors.unit(seed: seed &+ UInt64(row), near: base, noise: 0.04)
        }
    }

    @Test("exact search returns the true top-k, best first, and follows additions and removals")
    func exact() {
        let gallery = TestVectors.rows(500, seed: 1)
        var index = ExactIndex(dimension: Self.dimension)
        for row in 0..<500 { index.add(id: Int64(row) + 1000, vector: Array(gallery[(row * 512)..<((row + 1) * 512)])) }
        #expect(index.count == 500)
        let query = Self.queries(from: gallery, rows: [42], seed: 9)
        let hits = index.search(query, k: 5)
        #expect(hits.count == 5)
        #expect(hits[0].id == 1042)
        #expect(hits.map(\.similarity) == hits.map(\.similarity).sorted(by: >))
        let naive = (0..<500).map { row in
            zip(query, gallery[(row * 512)..<((row + 1) * 512)]).reduce(Float(0)) { $0 + $1.0 * $1.1 }
        }.sorted(by: >)
        #expect(zip(hits.map(\.similarity), naive.prefix(5)).allSatisfy { abs($0 - $1) < 1e-4 })
        let removed = index.remove(id: 1042)
        let removedAgain = index.remove(id: 1042)
        #expect(removed && !removedAgain)
        #expect(index.search(query, k: 1)[0].id != 1042)
        #expect(index.count == 499 && index.contains(id: 1499))
    }

    @Test("IVF-SQ8 finds the true nearest neighbour, keeps about 520 bytes per template, and removes by id")
    func approximate() throws {
        let n = 20_000
        let gallery = TestVectors.rows(n, seed: 100)
        let index = try ApproximateIndex(dimension: Self.dimension, lists: 256)
        try index.train(gallery)
        #expect(index.isTrained)
        try index.add(gallery, ids: (0..<n).map { Int64($0) })
        #expect(index.count == n)
        let rows = Array(stride(from: 0, to: n, by: 100))
        // 32 of 256 lists: the operating point likeness-bench search reports first.
        let results = try index.search(Self.queries(from: gallery, rows: rows, seed: 7), k: 10, probes: 32)
        let recall = Double(zip(rows, results).filter { Int64($0) == $1.first?.id }.count) / Double(rows.count)
        #expect(recall >= 0.95, "recall@1 \(recall)")
        let perTemplate = Double(index.serializedSize) / Double(n)
        #expect(perTemplate < 700, "\(perTemplate) bytes per template")
        #expect(try index.remove(ids: [Int64(rows[0]), 999_999]) == 1)
        let after = try index.search(Self.queries(from: gallery, rows: [rows[0]], seed: 7), k: 10, probes: 256)
        #expect(!after[0].contains { $0.id == Int64(rows[0]) })
    }

    @Test("an untrained index refuses additions with a clear error")
    func untrained() throws {
        let index = try ApproximateIndex(dimension: Self.dimension, lists: 16)
        #expect(throws: IndexError.self) { try index.add(TestVectors.rows(2, seed: 5), ids: [1, 2]) }
    }
}
