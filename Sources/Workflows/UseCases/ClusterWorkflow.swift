import Clustering
import FaceKit
import Foundation
import VectorIndex

/// Grouping photos' faces by person: which faces take part, how they are linked, how groups are
/// ordered. The HTTP API and `likeness cluster` both run it.
public struct ClusterWorkflow: Sendable {
    /// Faces smaller than this on their short side are left out (too small to recognise).
    public var minFacePixels: Double = 24
    /// Faces the detector is less sure of are left out.
    public var minScore: Double = 0.6
    /// With a value, faces whose enrollment-profile quality score (0…1) is lower are left out.
    public var minQuality: Double?
    /// Neighbours examined per face.
    public var neighbours = 10
    /// Similarity at which two faces are linked (measured on LFW: docs/accuracy.md).
    public var threshold = 0.45

    public init() {}

    /// Why a face is left out (`too_small`, `low_confidence`, `low_quality`), or nil to keep it.
    public func exclusion(box: [Double], score: Double, quality: Double?) -> String? {
        if min(box[2] - box[0], box[3] - box[1]) < minFacePixels { return "too_small" }
        if score < minScore { return "low_confidence" }
        if let minQuality, (quality ?? 0) < minQuality { return "low_quality" }
        return nil
    }

    /// The groups (two faces or more, as face rows) and the unsorted faces, in document order, with
    /// each row's label and the neighbour graph (for scoring other thresholds on it).
    public func group(vectors: [Float], dimension: Int, threads: Int = ProcessInfo.processInfo.activeProcessorCount)
        throws -> (groups: [[Int]], unsorted: [Int], labels: [Int], graph: [[SearchHit]])
    {
        let graph = try NeighbourGraph.build(vectors: vectors, dimension: dimension, k: neighbours, threads: threads)
        let labels = GraphClustering(threshold: Float(threshold)).labels(graph: graph)
        var members: [Int: [Int]] = [:]
        for (row, label) in labels.enumerated() { members[label, default: []].append(row) }
        let groups = members.values.filter { $0.count >= 2 }.sorted { ($0.count, $1[0]) > ($1.count, $0[0]) }
        let unsorted = members.values.filter { $0.count == 1 }.map { $0[0] }.sorted()
        return (groups, unsorted, labels, graph)
    }
}
