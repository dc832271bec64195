import Foundation
import TestSupport
import Testing

@testable import Workflows

/// Which faces clustering keeps and how its groups are ordered, on synthetic templates: no models.
@Suite("Workflows: cluster workflow")
struct ClusterWorkflowTests {
    @Test("a face is left out as too_small, then low_confidence, then low_quality; the limits themselves pass")
    func exclusion() {
        var workflow = ClusterWorkflow()
        #expect(workflow.exclusion(box: [10, 10, 34, 34], score: 0.6, quality: nil) == nil)
        #expect(workflow.exclusion(box: [10, 10, 33.9, 80], score: 0.9, quality: nil) == "too_small")
        #expect(workflow.exclusion(box: [10, 10, 80, 33.9], score: 0.9, quality: nil) == "too_small")
        #expect(workflow.exclusion(box: [0, 0, 10, 10], score: 0.1, quality: 0) == "too_small")
        #expect(workflow.exclusion(box: [0, 0, 50, 50], score: 0.59, quality: nil) == "low_confidence")
        // Quality counts only when a minimum is asked for; an unmeasured face then fails it.
        #expect(workflow.exclusion(box: [0, 0, 50, 50], score: 0.9, quality: 0.1) == nil)
        workflow.minQuality = 0.5
        #expect(workflow.exclusion(box: [0, 0, 50, 50], score: 0.9, quality: 0.49) == "low_quality")
        #expect(workflow.exclusion(box: [0, 0, 50, 50], score: 0.9, quality: nil) == "low_quality")
        #expect(workflow.exclusion(box: [0, 0, 50, 50], score: 0.9, quality: 0.5) == nil)
    }

    /// Captures of one face: the base plus noise of norm about 0.45, so cosine ≈ 0.9 to the base.
    static func captures(of seed: UInt64, _ count: Int) -> [[Float]] {
        let base = TestVectors.unit(seed: seed)
        return (0..<count).map { TestVectors.unit(seed: seed * 100 + UInt64($0), near: base, noise: 0.02) }
    }

    @Test("groups come largest first, ties by their first row; members and unsorted faces in row order")
    func groupOrder() throws {
        let a = Self.captures(of: 1, 3)
        let b = Self.captures(of: 2, 2)
        let c = Self.captures(of: 3, 2)
        let strangers = (10..<13).map { TestVectors.unit(seed: UInt64($0)) }
        // Rows: the largest group is not first, and the pair that comes later in the rows is
        // listed first, so an ordering by row alone would fail.
        let rows: [[Float]] = [
            strangers[0], c[0], b[0], a[0], c[1], strangers[1], a[1], b[1], a[2], strangers[2],
        ]
        let (groups, unsorted, _, graph) = try ClusterWorkflow().group(
            vectors: rows.flatMap { $0 }, dimension: 512, threads: 1)
        #expect(groups == [[3, 6, 8], [1, 4], [2, 7]])
        #expect(unsorted == [0, 5, 9])
        #expect(graph.count == rows.count)
    }

    @Test("a higher threshold splits what a lower one joins")
    func threshold() throws {
        let a = Self.captures(of: 4, 2)
        var strict = ClusterWorkflow()
        strict.threshold = 0.99
        let vectors = a.flatMap { $0 }
        #expect(try ClusterWorkflow().group(vectors: vectors, dimension: 512, threads: 1).groups == [[0, 1]])
        #expect(try strict.group(vectors: vectors, dimension: 512, threads: 1).unsorted == [0, 1])
    }
}
