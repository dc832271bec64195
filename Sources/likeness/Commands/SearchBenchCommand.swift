import ArgumentParser
import FaceKit
import Foundation
import Gallery

struct SearchBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "1:N search at scale: exact SIMD search against the FAISS IVF-SQ8 index on synthetic templates.",
        discussion: """
            The gallery is random 512-D unit vectors (their pairwise cosines spread like impostor \
            scores, sd ≈ 0.044). Each query is a gallery template plus noise (cosine ≈ 0.74 to it, like \
            a genuine pair), so exact search knows the answer. Latency is one query at a time on one thread.
            """)

    @Option(help: "Templates in the gallery.")
    var gallery: Int = 100_000

    @Option(help: "Queries to time and to measure recall with.")
    var queries: Int = 500

    @Option(help: "Inverted lists (default: about 2·√n, a power of two).")
    var lists: Int?

    @Option(help: "Lists visited per query.")
    var probes: Int = 32

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard (1_000...5_000_000).contains(gallery) else {
            throw ValidationError("--gallery must be in 1000...5000000")
        }
        guard (10...100_000).contains(queries) else { throw ValidationError("--queries must be in 10...100000") }
        if let lists, !(1...65_536).contains(lists) { throw ValidationError("--lists must be in 1...65536") }
        guard probes >= 1 else { throw ValidationError("--probes must be positive") }
    }

    struct Report: Encodable {
        var gallery: Int
        var queries: Int
        var lists: Int
        var probes: Int
        var exactBuildSeconds: Double
        var annTrainSeconds: Double
        var annAddSeconds: Double
        var bytesPerTemplate: Double
        var exactP50Ms: Double
        var exactP99Ms: Double
        var annP50Ms: Double
        var annP99Ms: Double
        var recallAt1: Double
        var recallAt10: Double
        var peakMemoryMB: Double

        enum CodingKeys: String, CodingKey {
            case gallery, queries, lists, probes
            case exactBuildSeconds = "exact_build_s"
            case annTrainSeconds = "ann_train_s"
            case annAddSeconds = "ann_add_s"
            case bytesPerTemplate = "ann_bytes_per_template"
            case exactP50Ms = "exact_p50_ms"
            case exactP99Ms = "exact_p99_ms"
            case annP50Ms = "ann_p50_ms"
            case annP99Ms = "ann_p99_ms"
            case recallAt1 = "recall_at_1"
            case recallAt10 = "recall_at_10"
            case peakMemoryMB = "peak_memory_mb"
        }
    }

    func run() async throws {
        let dimension = 512
        let lists = self.lists ?? max(16, 1 << Int(log2(2 * Double(gallery).squareRoot()).rounded()))
        let log = FileHandle.standardError
        log.write(Data("generating \(gallery) templates…\n".utf8))
        var generator = SyntheticTemplates(seed: seed)
        let vectors = generator.unitVectors(gallery, dimension: dimension)

        var start = ContinuousClock.now
        var exact = ExactIndex(dimension: dimension)
        for row in 0..<gallery {
            exact.add(id: Int64(row), vector: Array(vectors[(row * dimension)..<((row + 1) * dimension)]))
        }
        let exactBuild = (ContinuousClock.now - start).seconds

        log.write(Data("training IVF-SQ8 with \(lists) lists…\n".utf8))
        ApproximateIndex.setThreads(ProcessInfo.processInfo.activeProcessorCount)
        let ann = try ApproximateIndex(dimension: dimension, lists: lists)
        let sampleRows = min(gallery, lists * 64)
        start = ContinuousClock.now
        try ann.train(Array(vectors[0..<(sampleRows * dimension)]))
        let train = (ContinuousClock.now - start).seconds
        start = ContinuousClock.now
        try ann.add(vectors, ids: (0..<gallery).map(Int64.init))
        let add = (ContinuousClock.now - start).seconds

        let rows = (0..<queries).map { _ in Int(generator.next() % UInt64(gallery)) }
        let probesData = rows.flatMap { row in
            generator.perturbed(Array(vectors[(row * dimension)..<((row + 1) * dimension)]), noise: 0.04)
        }
        log.write(Data("searching…\n".utf8))
        ApproximateIndex.setThreads(1)
        var exactTimes: [Double] = []
        var annTimes: [Double] = []
        var hitsAt1 = 0
        var overlapAt10 = 0
        let progress = ProgressBar(total: queries, label: "search")
        for q in 0..<queries {
            let query = Array(probesData[(q * dimension)..<((q + 1) * dimension)])
            start = ContinuousClock.now
            let truth = exact.search(query, k: 10)
            exactTimes.append((ContinuousClock.now - start).seconds * 1000)
            start = ContinuousClock.now
            let found = try ann.search(query, k: 10, probes: probes)[0]
            annTimes.append((ContinuousClock.now - start).seconds * 1000)
            if found.first?.id == truth.first?.id { hitsAt1 += 1 }
            overlapAt10 += Set(found.map(\.id)).intersection(truth.map(\.id)).count
            progress.advance()
        }
        progress.finish()
        func percentile(_ values: [Double], _ p: Double) -> Double {
            let sorted = values.sorted()
            return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
        }
        let report = Report(
            gallery: gallery, queries: queries, lists: lists, probes: probes, exactBuildSeconds: exactBuild,
            annTrainSeconds: train, annAddSeconds: add,
            bytesPerTemplate: Double(ann.serializedSize) / Double(gallery),
            exactP50Ms: percentile(exactTimes, 0.5), exactP99Ms: percentile(exactTimes, 0.99),
            annP50Ms: percentile(annTimes, 0.5), annP99Ms: percentile(annTimes, 0.99),
            recallAt1: Double(hitsAt1) / Double(queries), recallAt10: Double(overlapAt10) / Double(queries * 10),
            peakMemoryMB: peakResidentMegabytes())
        if json {
            try printJSON(report)
            return
        }
        print("gallery=\(gallery) queries=\(queries) lists=\(lists) probes=\(probes)")
        print(
            String(
                format: "build: exact %.1f s; IVF-SQ8 train %.1f s + add %.1f s; %.0f bytes/template in the index",
                exactBuild, train, add, report.bytesPerTemplate))
        print(
            String(
                format: "exact:   p50 %.2f ms  p99 %.2f ms (one thread)", report.exactP50Ms, report.exactP99Ms))
        print(
            String(
                format: "IVF-SQ8: p50 %.3f ms  p99 %.3f ms (one thread); recall@1 %.4f  recall@10 %.4f",
                report.annP50Ms, report.annP99Ms, report.recallAt1, report.recallAt10))
        print(String(format: "peak memory %.0f MB (both indexes and the raw vectors)", report.peakMemoryMB))
    }
}

/// Seeded random unit vectors for benchmarks.
struct SyntheticTemplates {
    private var generator: SplitMix64

    init(seed: UInt64) {
        generator = SplitMix64(seed: seed &* 0x9E37_79B9_7F4A_7C15 | 1)
    }

    mutating func next() -> UInt64 { generator.next() }

    private mutating func gaussianPair() -> (Float, Float) {
        let u1 = (Double(next() >> 11) + 0.5) / Double(1 << 53)
        let u2 = Double(next() >> 11) / Double(1 << 53)
        let r = (-2 * Foundation.log(u1)).squareRoot()
        return (Float(r * cos(2 * .pi * u2)), Float(r * sin(2 * .pi * u2)))
    }

    mutating func unitVectors(_ count: Int, dimension: Int) -> [Float] {
        var out = [Float](repeating: 0, count: count * dimension)
        for row in 0..<count {
            let base = row * dimension
            var d = 0
            while d < dimension {
                let (a, b) = gaussianPair()
                out[base + d] = a
                if d + 1 < dimension { out[base + d + 1] = b }
                d += 2
            }
            var norm: Float = 0
            for k in 0..<dimension { norm += out[base + k] * out[base + k] }
            let inverse = 1 / norm.squareRoot()
            for k in 0..<dimension { out[base + k] *= inverse }
        }
        return out
    }

    mutating func perturbed(_ vector: [Float], noise: Float) -> [Float] {
        var noisy = unitVectors(1, dimension: vector.count)
        for k in 0..<vector.count { noisy[k] = vector[k] + noisy[k] * noise * Float(vector.count).squareRoot() }
        let norm = noisy.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return noisy.map { $0 / norm }
    }
}
