import ArgumentParser
import Clustering
import FaceKit
import Foundation
import LikenessCLI
import VectorIndex
import Workflows

struct ClusterBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Time and memory of the clustering step on synthetic embeddings.",
        discussion: """
            --faces unit vectors in groups of varying size (1 + ⌊200·u³⌋ faces per person, so many \
            people with one face) around random identity vectors, with noise so that two faces of one \
            person have a cosine between about 0.44 and 0.76 (like real genuine pairs). Reports the \
            time of the k-NN graph and of the components, peak memory, and agreement with the truth.

            Examples:
              likeness bench cluster
              likeness bench cluster --faces 1000000 --threshold 0.45 --json
            """)

    @Option(help: "Faces to cluster.")
    var faces: Int = 100_000

    @Option(help: "Similarity at which two faces are linked.")
    var threshold: Float = 0.45

    @Option(help: "Neighbours per face.")
    var neighbours: Int = 10

    @Option(help: "Random seed.")
    var seed: UInt64 = 7

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard (100...2_000_000).contains(faces) else { throw ValidationError("--faces must be in 100...2000000") }
    }

    struct Report: Encodable {
        var faces: Int
        var people: Int
        var graphSeconds: Double
        var componentsSeconds: Double
        var peakMemoryMB: Double
        var evaluation: ClusterEvaluation

        enum CodingKeys: String, CodingKey {
            case faces, people, evaluation
            case graphSeconds = "graph_s"
            case componentsSeconds = "components_s"
            case peakMemoryMB = "peak_memory_mb"
        }
    }

    func run() async throws {
        let dimension = 512
        var generator = SyntheticTemplates(seed: seed)
        var truth: [Int] = []
        var people = 0
        while truth.count < faces {
            // Sizes 1…200 with a heavy head of small groups: 1 + ⌊200·u³⌋.
            let u = Double(generator.next() >> 11) / Double(1 << 53)
            let size = min(faces - truth.count, 1 + Int(200 * u * u * u))
            truth.append(contentsOf: Array(repeating: people, count: size))
            people += 1
        }
        let centres = generator.unitVectors(people, dimension: dimension)
        var vectors = [Float](repeating: 0, count: faces * dimension)
        for (row, person) in truth.enumerated() {
            let centre = Array(centres[(person * dimension)..<((person + 1) * dimension)])
            // Noise norm 0.57…1.13: cosine 0.66…0.87 to the centre, 0.44…0.76 between two faces.
            let u = Float(generator.next() >> 11) / Float(1 << 53)
            let face = generator.perturbed(centre, noise: 0.025 + 0.025 * u)
            vectors.replaceSubrange((row * dimension)..<((row + 1) * dimension), with: face)
        }
        FileHandle.standardError.write(Data("clustering \(faces) faces of \(people) people…\n".utf8))
        var start = ContinuousClock.now
        let graph = try NeighbourGraph.build(vectors: vectors, dimension: dimension, k: neighbours)
        let graphSeconds = (ContinuousClock.now - start).seconds
        start = ContinuousClock.now
        let labels = GraphClustering(threshold: threshold).labels(graph: graph)
        let componentsSeconds = (ContinuousClock.now - start).seconds
        let report = Report(
            faces: faces, people: people, graphSeconds: graphSeconds, componentsSeconds: componentsSeconds,
            peakMemoryMB: peakResidentMegabytes(),
            evaluation: ClusterEvaluation.compare(predicted: labels, truth: truth))
        if json {
            try printJSON(report)
            return
        }
        print("\(faces) faces of \(people) people (synthetic), k = \(neighbours), threshold \(threshold)")
        print(
            String(
                format: "k-NN graph %.1f s, components %.2f s, total %.1f s; peak memory %.0f MB (inputs included)",
                graphSeconds, componentsSeconds, graphSeconds + componentsSeconds, report.peakMemoryMB))
        let e = report.evaluation
        print(
            String(
                format: "pairwise precision %.4f recall %.4f F %.4f; BCubed F %.4f", e.pairwisePrecision,
                e.pairwiseRecall, e.pairwiseF, e.bcubedF))
    }
}
