import ArgumentParser
import FaceKit
import Foundation
import LikenessCLI
import VectorIndex
import Workflows

struct PipelineBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "Time the pipeline per stage over a folder of images.",
        discussion: """
            Like the reference bench.py: one untimed warm-up pass, then a timed pass over the same images.

            Examples:
              likeness bench pipeline ../shared/data/lfw/images --limit 200
              likeness bench pipeline photos/ --workers 4 --json
            """)

    @Option(help: "Directory of images (searched recursively, sorted by path).")
    var images: String

    @Option(help: "Use at most this many images (default: all).")
    var limit: Int?

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var pipeline: PipelineOptions

    func validate() throws {
        if let limit, limit <= 0 { throw ValidationError("--limit must be positive") }
    }

    struct Report: Encodable {
        var images: Int
        var faces: Int
        var workers: Int
        var threadsPerCall: Int
        var runtime: String
        var msPerImage: Double
        var imagesPerSecond: Double
        var stageMsPerImage: [String: Double]
        var peakMemoryMB: Double

        enum CodingKeys: String, CodingKey {
            case images, faces, workers, runtime
            case threadsPerCall = "threads_per_call"
            case msPerImage = "ms_per_image"
            case imagesPerSecond = "images_per_second"
            case stageMsPerImage = "stage_ms_per_image"
            case peakMemoryMB = "peak_memory_mb"
        }
    }

    func run() async throws {
        let files = Array(try ImageFiles.list(in: images).prefix(limit ?? Int.max))
        guard !files.isEmpty else { throw CLIError(code: .noImages, message: "no images under \(images)") }
        let analyzer = try pipeline.makeAnalyzer()
        try await analyzer.warmUp()
        _ = await pass(files, analyzer: analyzer, progress: ProgressBar(total: files.count, label: "warm-up"))
        let start = ContinuousClock.now
        let progress = ProgressBar(total: files.count, label: "bench  ")
        let (timings, faces) = await pass(files, analyzer: analyzer, progress: progress)
        let wall = (ContinuousClock.now - start).seconds
        progress.finish()
        let n = Double(files.count)
        let report = Report(
            images: files.count, faces: faces, workers: analyzer.workerCount, threadsPerCall: pipeline.threads,
            runtime: analyzer.runtime.rawValue, msPerImage: wall / n * 1000, imagesPerSecond: n / wall,
            stageMsPerImage: [
                "decode": timings.decode.seconds / n * 1000, "detect": timings.detect.seconds / n * 1000,
                "align": timings.align.seconds / n * 1000, "embed": timings.embed.seconds / n * 1000,
            ], peakMemoryMB: peakResidentMegabytes())
        if json {
            try printJSON(report)
            return
        }
        print(
            "images=\(report.images) faces=\(report.faces) workers=\(report.workers) threads=\(report.threadsPerCall) runtime=\(report.runtime)"
        )
        print(
            String(
                format: "ms/image=%.1f images/s=%.1f peak_memory=%.0f MB", report.msPerImage, report.imagesPerSecond,
                report.peakMemoryMB))
        print(
            String(
                format: "stage ms/image (summed over workers): decode %.2f  detect %.2f  align %.2f  embed %.2f",
                report.stageMsPerImage["decode"]!, report.stageMsPerImage["detect"]!, report.stageMsPerImage["align"]!,
                report.stageMsPerImage["embed"]!))
    }

    private func pass(_ files: [String], analyzer: FaceAnalyzer, progress: ProgressBar) async -> (StageTimings, Int) {
        let pipeline = self.pipeline
        let results: [StageTimings?] = await concurrentMap(files, limit: analyzer.workerCount * 2) { path in
            defer { progress.advance() }
            let start = ContinuousClock.now
            guard let image = try? await pipeline.load(path, with: analyzer) else { return nil }
            let decode = ContinuousClock.now - start
            guard
                var timings = try? await analyzer.analyze(
                    image, detection: pipeline.detection, selection: pipeline.select, embedding: pipeline.embedding
                ).timings
            else {
                var timings = StageTimings()
                timings.decode = decode
                return timings
            }
            timings.decode = decode
            return timings
        }
        let total = results.compactMap { $0 }.reduce(StageTimings(), +)
        // A face was embedded where the embed stage ran.
        let faces = results.filter { ($0?.embed ?? .zero) > .zero }.count
        return (total, faces)
    }
}

/// Peak resident set size of this process in megabytes.
func peakResidentMegabytes() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_maxrss) / 1024
}
