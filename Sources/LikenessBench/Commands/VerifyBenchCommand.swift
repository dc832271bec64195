import ArgumentParser
import FaceKit
import Foundation
import LikenessCLI
import VectorIndex
import Workflows

/// The in-process reference for `make bench-http`: the same pairs, verified as the service
/// verifies them, without HTTP.
struct VerifyBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verification pairs per second in-process, decoding from bytes as the HTTP service does.",
        discussion: """
            Every image is read into memory first; each verification then decodes both images, \
            detects, embeds and judges quality (the selfie profile), exactly as POST /v1/verify does. \
            One untimed warm-up pass, then --seconds of timed passes with --concurrency verifications \
            in flight.

            Examples:
              likeness bench verify --pairs pairs.csv --root ../shared/data/lfw/images
              likeness bench verify --pairs pairs.csv --root lfw/ --seconds 30 --concurrency 8 --json
            """)

    @Option(help: "A file_x,file_y,Decision CSV of pairs.")
    var pairs: String

    @Option(help: "Directory the pair paths are relative to.")
    var root: String

    @Option(help: "Use at most this many pairs.")
    var limit: Int = 200

    @Option(help: "Verifications in flight at once (default: twice the inference workers).")
    var concurrency: Int?

    @Option(help: "Timed duration in seconds.")
    var seconds: Double = 15

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var pipeline: PipelineOptions

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be positive") }
        if let concurrency, !(1...1_024).contains(concurrency) {
            throw ValidationError("--concurrency must be in 1...1024")
        }
        guard seconds > 0 && seconds <= 3_600 else { throw ValidationError("--seconds must be in (0, 3600]") }
    }

    struct Report: Encodable {
        var pairs: Int
        var concurrency: Int
        var verifications: Int
        var seconds: Double
        var perSecond: Double
        var p50Ms: Double
        var p99Ms: Double
        var errors: Int

        enum CodingKeys: String, CodingKey {
            case pairs, concurrency, verifications, seconds, errors
            case perSecond = "per_second"
            case p50Ms = "p50_ms"
            case p99Ms = "p99_ms"
        }
    }

    func run() async throws {
        let list = Array(try PairList(csvPath: pairs).entries.prefix(limit))
        let rootURL = URL(fileURLWithPath: root)
        let loaded: [([UInt8], [UInt8])] = try list.map { entry in
            func read(_ path: String) throws -> [UInt8] {
                guard let data = FileManager.default.contents(atPath: rootURL.appendingPathComponent(path).path) else {
                    throw CLIError(code: .fileNotFound, message: "cannot read \(path) under \(root)")
                }
                return [UInt8](data)
            }
            return (try read(entry.first), try read(entry.second))
        }
        let analyzer = try pipeline.makeAnalyzer()
        try await analyzer.warmUp()
        let inFlight = concurrency ?? analyzer.workerCount * 2
        _ = await verifyAll(loaded, analyzer: analyzer, concurrency: inFlight, until: nil)
        let start = ContinuousClock.now
        let deadline = start + .milliseconds(Int64(seconds * 1000))
        let (latencies, errors) = await verifyAll(loaded, analyzer: analyzer, concurrency: inFlight, until: deadline)
        let wall = (ContinuousClock.now - start).seconds
        let sorted = latencies.sorted()
        func percentile(_ p: Double) -> Double {
            sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.down)))] * 1000
        }
        let report = Report(
            pairs: loaded.count, concurrency: inFlight, verifications: latencies.count + errors, seconds: wall,
            perSecond: Double(latencies.count) / wall, p50Ms: percentile(0.5), p99Ms: percentile(0.99), errors: errors)
        if json {
            try printJSON(report)
        } else {
            print(
                String(
                    format: "%d verifications in %.1f s at concurrency %d: %.1f/s, p50 %.1f ms, p99 %.1f ms, %d errors",
                    report.verifications, wall, inFlight, report.perSecond, report.p50Ms, report.p99Ms, errors))
        }
    }

    /// Verifies pairs round-robin with `concurrency` in flight: one pass, or until the deadline.
    private func verifyAll(
        _ pairs: [([UInt8], [UInt8])], analyzer: FaceAnalyzer, concurrency: Int,
        until deadline: ContinuousClock.Instant?
    ) async -> (latencies: [Double], errors: Int) {
        await withTaskGroup(of: ([Double], Int).self) { group in
            for lane in 0..<concurrency {
                group.addTask {
                    var index = lane
                    var latencies: [Double] = []
                    var failed = 0
                    while deadline.map({ ContinuousClock.now < $0 }) ?? (index < pairs.count) {
                        let (first, second) = pairs[index % pairs.count]
                        let start = ContinuousClock.now
                        do {
                            async let a = analyzer.decode(first)
                            async let b = analyzer.decode(second)
                            _ = try await analyzer.verify(
                                try await a, try await b, options: VerificationOptions(fmr: 1e-4))
                            latencies.append((ContinuousClock.now - start).seconds)
                        } catch {
                            failed += 1
                        }
                        index += concurrency
                    }
                    return (latencies, failed)
                }
            }
            var latencies: [Double] = []
            var errors = 0
            for await (lane, failed) in group {
                latencies += lane
                errors += failed
            }
            return (latencies, errors)
        }
    }
}
