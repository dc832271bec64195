import ArgumentParser
import FaceKit
import Foundation
import Gallery
import LikenessCLI
import VectorIndex
import Workflows

struct SearchBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "1:N search at scale: exact SIMD search against the gallery's scan index (and FAISS IVF-SQ8).",
        discussion: """
            The gallery is --gallery random 512-D unit vectors (their cosines spread like impostor \
            scores, sd ≈ 0.044) plus, with --real-root, the first image of every person with two or \
            more images in that folder (LFW's layout), embedded by the pipeline. Queries are then \
            those people's other images: exact search knows each answer, and recall@k is the share \
            of exact search's top k that the index returns. Without --real-root, each query is a \
            gallery vector plus noise (cosine ≈ 0.74 to it). Latency is one query at a time on one thread.

            Examples:
              likeness bench search --gallery 100000
              likeness bench search --gallery 1000000 --real-root ../shared/data/lfw/images --select centered
            """)

    @Option(help: "Synthetic templates in the gallery.")
    var gallery: Int = 100_000

    @Option(help: "Most queries to time and to measure recall with.")
    var queries: Int = 1_000

    @Option(parsing: .upToNextOption, help: "Scan index: candidates re-scored per query; one row each.")
    var candidates: [Int] = [16, 64, 256]

    @Option(help: "Scan index: 4-bit subquantizers per template (32 or 64 for 512-D).")
    var subquantizers: Int = 64

    @Option(parsing: .upToNextOption, help: "Scan index: threads per query; one row each.")
    var scanThreads: [Int] = [1, 2]

    @Option(
        parsing: .upToNextOption, help: "Also measure FAISS IVF-SQ8 visiting these many lists (default: not measured).")
    var ivfProbes: [Int] = []

    @Option(help: "IVF-SQ8 inverted lists (default: about 4·√n, a power of two).")
    var lists: Int?

    @Option(help: "Folder of people whose real embeddings join the gallery and give the queries.")
    var realRoot: String?

    @Option(
        help:
            "Synthetic templates: uniform on the sphere, or face-like (the mean and covariance of the real non-mated people's embeddings; needs --real-root)."
    )
    var distribution: Distribution?

    enum Distribution: String, ExpressibleByArgument {
        case uniform
        case faceLike = "face-like"
    }

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var pipeline: PipelineOptions

    func validate() throws {
        guard (1_000...5_000_000).contains(gallery) else {
            throw ValidationError("--gallery must be in 1000...5000000")
        }
        guard (10...100_000).contains(queries) else { throw ValidationError("--queries must be in 10...100000") }
        if let lists, !(1...65_536).contains(lists) { throw ValidationError("--lists must be in 1...65536") }
        guard ivfProbes.allSatisfy({ $0 >= 1 }) else { throw ValidationError("--ivf-probes must be positive") }
        guard !candidates.isEmpty, candidates.allSatisfy({ (10...10_000).contains($0) }) else {
            throw ValidationError("--candidates must be in 10...10000")
        }
        guard !scanThreads.isEmpty, scanThreads.allSatisfy({ (1...64).contains($0) }) else {
            throw ValidationError("--scan-threads must be in 1...64")
        }
        if distribution == .faceLike && realRoot == nil {
            throw ValidationError("--distribution face-like needs --real-root")
        }
    }

    struct Row: Encodable {
        var method: String
        var setting: String
        var p50Ms: Double
        var p99Ms: Double
        var recallAt1: Double
        var recallAt10: Double
        /// With real queries: the share whose top hit is the person's enrolled image.
        var rank1: Double?

        enum CodingKeys: String, CodingKey {
            case method, setting, rank1 = "rank_1"
            case p50Ms = "p50_ms"
            case p99Ms = "p99_ms"
            case recallAt1 = "recall_at_1"
            case recallAt10 = "recall_at_10"
        }
    }

    struct Report: Encodable {
        var synthetic: Int
        var distribution: String
        var real: Int
        var queries: Int
        var lists: Int
        var exactBuildSeconds: Double
        var scanBuildSeconds: Double
        var scanBytesPerTemplate: Double
        var scanKernel: String
        var annTrainSeconds: Double?
        var annAddSeconds: Double?
        var bytesPerTemplate: Double?
        var exactP50Ms: Double
        var exactP99Ms: Double
        var exactRank1: Double?
        var rows: [Row]
        var peakMemoryMB: Double

        enum CodingKeys: String, CodingKey {
            case synthetic, distribution, real, queries, lists, rows
            case exactBuildSeconds = "exact_build_s"
            case scanBuildSeconds = "scan_build_s"
            case scanBytesPerTemplate = "scan_bytes_per_template"
            case scanKernel = "scan_kernel"
            case annTrainSeconds = "ann_train_s"
            case annAddSeconds = "ann_add_s"
            case bytesPerTemplate = "ann_bytes_per_template"
            case exactP50Ms = "exact_p50_ms"
            case exactP99Ms = "exact_p99_ms"
            case exactRank1 = "exact_rank_1"
            case peakMemoryMB = "peak_memory_mb"
        }
    }

    /// Real enrolled vectors and mated queries, each query with the row of its person's template.
    struct RealData {
        /// Embeddings of people who are neither enrolled nor queried: the face-like generator's basis.
        var others: [[Float]] = []
        var gallery: [[Float]] = []
        var queries: [(vector: [Float], mate: Int)] = []
    }

    func realData() async throws -> RealData {
        guard let realRoot else { return RealData() }
        let folders = try PeopleFolders(root: realRoot)
        let analyzer = try pipeline.makeAnalyzer()
        let faces = FaceSamples(faces: FaceWorkflows(analyzer: analyzer), pipeline: pipeline, profile: nil)
        let enrolments = folders.enrolments
        let probes = Array(folders.matedProbes.prefix(queries))
        let others = folders.nonMatedProbes
        let paths = enrolments.map(\.image) + probes.map(\.image) + others
        let progress = ProgressBar(total: paths.count, label: "embed")
        let outcomes = await concurrentMap(paths, limit: analyzer.workerCount) { path in
            defer { progress.advance() }
            return await faces.sample(path)
        }
        progress.finish()
        var data = RealData()
        var row: [String: Int] = [:]
        for (i, enrolment) in enrolments.enumerated() {
            guard case .accepted(let sample) = outcomes[i] else { continue }
            row[enrolment.person] = data.gallery.count
            data.gallery.append(sample.vector)
        }
        for (j, probe) in probes.enumerated() {
            guard case .accepted(let sample) = outcomes[enrolments.count + j], let mate = row[probe.person] else {
                continue
            }
            data.queries.append((sample.vector, mate))
        }
        for k in others.indices {
            if case .accepted(let sample) = outcomes[enrolments.count + probes.count + k] {
                data.others.append(sample.vector)
            }
        }
        return data
    }

    func run() async throws {
        let dimension = 512
        let log = FileHandle.standardError
        let real = try await realData()
        let total = gallery + real.gallery.count
        let lists = self.lists ?? ApproximateIndex.suggestedLists(for: total)
        let distribution = self.distribution ?? (realRoot == nil ? .uniform : .faceLike)
        log.write(Data("generating \(gallery) \(distribution.rawValue) templates…\n".utf8))
        var generator = SyntheticTemplates(seed: seed)
        var vectors =
            distribution == .uniform
            ? generator.unitVectors(gallery, dimension: dimension)
            : generator.faceLike(gallery, basis: real.others)
        for vector in real.gallery { vectors.append(contentsOf: vector) }
        func row(_ r: Int) -> [Float] { Array(vectors[(r * dimension)..<((r + 1) * dimension)]) }

        var start = ContinuousClock.now
        var exact = ExactIndex(dimension: dimension)
        for r in 0..<total { exact.add(id: Int64(r), vector: row(r)) }
        let exactBuild = (ContinuousClock.now - start).seconds

        log.write(Data("building the scan index…\n".utf8))
        start = ContinuousClock.now
        let scan = try ScanIndex.build(
            vectors, ids: (0..<total).map(Int64.init), dimension: dimension, subquantizers: subquantizers)
        let scanBuild = (ContinuousClock.now - start).seconds

        var ann: ApproximateIndex?
        var train: Double?
        var add: Double?
        if !ivfProbes.isEmpty {
            log.write(Data("training IVF-SQ8 with \(lists) lists…\n".utf8))
            ApproximateIndex.setThreads(ProcessInfo.processInfo.activeProcessorCount)
            let ivf = try ApproximateIndex(dimension: dimension, lists: lists)
            start = ContinuousClock.now
            try ivf.train(ScanIndex.trainingSample(vectors, dimension: dimension, rows: lists * 64))
            train = (ContinuousClock.now - start).seconds
            start = ContinuousClock.now
            try ivf.add(vectors, ids: (0..<total).map(Int64.init))
            add = (ContinuousClock.now - start).seconds
            ann = ivf
        }

        var queryVectors: [[Float]] = []
        var mates: [Int64?] = []
        if real.queries.isEmpty {
            for _ in 0..<queries {
                let r = Int(generator.next() % UInt64(gallery))
                queryVectors.append(generator.perturbed(row(r), noise: 0.04))
                mates.append(nil)
            }
        } else {
            for query in real.queries {
                queryVectors.append(query.vector)
                mates.append(Int64(gallery + query.mate))
            }
        }
        log.write(Data("searching…\n".utf8))
        ApproximateIndex.setThreads(1)
        var exactTimes: [Double] = []
        var truths: [[SearchHit]] = []
        let progress = ProgressBar(
            total: queryVectors.count * (1 + candidates.count * scanThreads.count + ivfProbes.count), label: "search")
        for query in queryVectors {
            start = ContinuousClock.now
            truths.append(exact.search(query, k: 10))
            exactTimes.append((ContinuousClock.now - start).seconds * 1000)
            progress.advance()
        }
        let hasMates = mates.contains { $0 != nil }
        var rows: [Row] = []
        func measure(_ method: String, _ setting: String, _ search: ([Float]) throws -> [SearchHit]) throws {
            var times: [Double] = []
            var hitsAt1 = 0
            var overlapAt10 = 0
            var rank1 = 0
            for (q, query) in queryVectors.enumerated() {
                let begin = ContinuousClock.now
                let found = try search(query)
                times.append((ContinuousClock.now - begin).seconds * 1000)
                if found.first?.id == truths[q].first?.id { hitsAt1 += 1 }
                if let mate = mates[q], found.first?.id == mate { rank1 += 1 }
                overlapAt10 += Set(found.map(\.id)).intersection(truths[q].map(\.id)).count
                progress.advance()
            }
            let count = Double(queryVectors.count)
            rows.append(
                Row(
                    method: method, setting: setting, p50Ms: percentile(times, 0.5), p99Ms: percentile(times, 0.99),
                    recallAt1: Double(hitsAt1) / count, recallAt10: Double(overlapAt10) / (count * 10),
                    rank1: hasMates ? Double(rank1) / count : nil))
        }
        for threads in scanThreads {
            for candidateCount in candidates {
                try measure("scan PQ\(subquantizers)x4+SQ8", "candidates \(candidateCount), threads \(threads)") {
                    try scan.search($0, k: 10, candidates: candidateCount, threads: threads)
                }
            }
        }
        if let ann {
            ApproximateIndex.setThreads(1)
            for probeCount in ivfProbes {
                try measure("FAISS IVF-SQ8", "\(lists) lists, probes \(probeCount)") {
                    try ann.search($0, k: 10, probes: probeCount)[0]
                }
            }
        }
        progress.finish()
        let exactRank1 =
            hasMates
            ? Double(zip(truths, mates).filter { $0.0.first?.id == $0.1 }.count) / Double(queryVectors.count) : nil
        let report = Report(
            synthetic: gallery, distribution: distribution.rawValue, real: real.gallery.count,
            queries: queryVectors.count, lists: lists,
            exactBuildSeconds: exactBuild, scanBuildSeconds: scanBuild,
            scanBytesPerTemplate: Double(scan.memoryBytes) / Double(total),
            scanKernel: ScanIndex.usesAVX2 ? "avx2" : "portable", annTrainSeconds: train, annAddSeconds: add,
            bytesPerTemplate: ann.map { Double($0.serializedSize) / Double(total) },
            exactP50Ms: percentile(exactTimes, 0.5), exactP99Ms: percentile(exactTimes, 0.99), exactRank1: exactRank1,
            rows: rows, peakMemoryMB: peakResidentMegabytes())
        if json {
            try printJSON(report)
            return
        }
        print(
            "gallery \(total) templates (\(gallery) synthetic \(distribution.rawValue) + \(real.gallery.count) real); \(report.queries) \(hasMates ? "real mated" : "synthetic") queries; \(lists) lists"
        )
        print(
            String(
                format: "build: exact %.1f s; scan index %.1f s (%@ kernel), %.0f bytes/template", exactBuild,
                scanBuild,
                report.scanKernel, report.scanBytesPerTemplate))
        if let train, let add, let bytes = report.bytesPerTemplate {
            print(String(format: "build: IVF-SQ8 train %.1f s + add %.1f s, %.0f bytes/template", train, add, bytes))
        }
        print(
            String(format: "exact: p50 %.2f ms  p99 %.2f ms (one thread)", report.exactP50Ms, report.exactP99Ms)
                + (exactRank1.map { String(format: "; rank-1 %.4f", $0) } ?? ""))
        for row in rows {
            print(
                String(
                    format: "%@ (%@): p50 %.3f ms  p99 %.3f ms; recall@1 %.4f  recall@10 %.4f", row.method, row.setting,
                    row.p50Ms, row.p99Ms, row.recallAt1, row.recallAt10)
                    + (row.rank1.map { String(format: "; rank-1 %.4f", $0) } ?? ""))
        }
        print(String(format: "peak memory %.0f MB (both indexes and the raw vectors)", report.peakMemoryMB))
    }

    func percentile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
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

    /// Unit vectors with the mean and covariance of real embeddings: the mean of `basis` plus a
    /// random combination of 16 centred basis vectors scaled by 1/4, so each draw is nobody in
    /// particular yet spreads across the directions real faces use.
    mutating func faceLike(_ count: Int, basis: [[Float]]) -> [Float] {
        precondition(basis.count >= 16, "the face-like generator needs at least 16 real embeddings")
        let dimension = basis[0].count
        var mean = [Float](repeating: 0, count: dimension)
        for vector in basis { for k in 0..<dimension { mean[k] += vector[k] / Float(basis.count) } }
        let centred = basis.map { vector in (0..<dimension).map { vector[$0] - mean[$0] } }
        var out = [Float](repeating: 0, count: count * dimension)
        let terms = 16
        for row in 0..<count {
            var x = mean
            for _ in 0..<terms {
                let weight = gaussianPair().0 / Float(terms).squareRoot()
                let source = centred[Int(next() % UInt64(centred.count))]
                for k in 0..<dimension { x[k] += weight * source[k] }
            }
            let inverse = 1 / x.reduce(0) { $0 + $1 * $1 }.squareRoot()
            for k in 0..<dimension { out[row * dimension + k] = x[k] * inverse }
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
