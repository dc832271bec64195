import ArgumentParser
import FaceKit
import Foundation
import Workflows

/// APCER per attack kind and BPCER over a manifest of genuine and attack recordings
/// (ISO/IEC 30107-3: APCER = attack presentations accepted as live / attack presentations of
/// that kind; BPCER = genuine presentations rejected / genuine presentations).
struct LivenessEvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract:
            "APCER per attack kind and BPCER over a manifest of recordings (scripts/liveness-attacks writes one).",
        discussion: """
            Examples:
              likeness liveness eval out/attacks/manifest.json
              likeness liveness eval manifest.json --json --verbose
            """
    )

    @Option(
        help:
            "A JSON manifest: [{file, kind, challenge: [actions]}]; kind 'genuine' (or 'genuine_…', a genuine subset reported apart) or an attack name."
    )
    var manifest: String

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "Print every recording's outcome.")
    var verbose = false

    @OptionGroup var pipeline: PipelineOptions

    @Option(help: "The longest recording analysed, in seconds (the shared clips run to 34 s).")
    var maxSeconds: Double = 60

    struct Entry: Decodable {
        var file: String
        var kind: String
        var challenge: [LivenessAction]
        /// An excerpt of the file, when given.
        var startMs: Double?
        var endMs: Double?

        enum CodingKeys: String, CodingKey {
            case file, kind, challenge
            case startMs = "start_ms"
            case endMs = "end_ms"
        }
    }

    struct KindSummary: Encodable {
        var kind: String
        var presentations: Int
        var acceptedAsLive: Int
        var errors: Int
        /// APCER for attacks, BPCER for genuine presentations.
        var errorRate: Double
        var metric: String

        enum CodingKeys: String, CodingKey {
            case kind, presentations, errors, metric
            case acceptedAsLive = "accepted_as_live"
            case errorRate = "error_rate"
        }
    }

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: manifest) else {
            throw CLIError(code: .fileNotFound, message: "cannot read \(manifest)")
        }
        let decoder = JSONDecoder()
        let entries: [Entry]
        do {
            if let wrapped = try? decoder.decode([String: [Entry]].self, from: data), let list = wrapped["entries"] {
                entries = list
            } else {
                entries = try decoder.decode([Entry].self, from: data)
            }
        } catch {
            throw CLIError(code: .invalidManifest, message: "\(manifest): \(error)")
        }
        let base = URL(fileURLWithPath: manifest).deletingLastPathComponent()
        let workflow = LivenessWorkflow(faces: FaceWorkflows(analyzer: try pipeline.makeAnalyzer()))
        var tallies: [String: (total: Int, live: Int, errors: Int)] = [:]
        let progress = ProgressBar(total: entries.count, label: "liveness")
        for entry in entries {
            let path = entry.file.hasPrefix("/") ? entry.file : base.appendingPathComponent(entry.file).path
            var tally = tallies[entry.kind] ?? (0, 0, 0)
            tally.total += 1
            do {
                var limits = LivenessLimits()
                limits.maxSeconds = maxSeconds
                let window = try ClosedRange.excerpt(from: entry.startMs, to: entry.endMs)
                let result = try await workflow.analyze(
                    videoAt: path, challenge: LivenessChallenge(actions: entry.challenge), limits: limits,
                    window: window)
                if result.live { tally.live += 1 }
                if verbose {
                    let failed = result.checks.filter { !$0.passed }.map { "\($0.name.rawValue)=\($0.value)" }
                    FileHandle.standardError.write(
                        Data(
                            "\(entry.kind) \(entry.file) [\(entry.challenge.map(\.rawValue).joined(separator: ","))]: \(result.live ? "LIVE" : "not live") \(failed.joined(separator: " "))\n"
                                .utf8))
                }
            } catch {
                tally.errors += 1
                if verbose {
                    FileHandle.standardError.write(Data("\(entry.kind) \(entry.file): error \(error)\n".utf8))
                }
            }
            tallies[entry.kind] = tally
            progress.advance()
        }
        progress.finish()
        let summaries = tallies.keys.sorted().map { kind -> KindSummary in
            let t = tallies[kind]!
            let genuine = kind.hasPrefix("genuine")
            // An error on a genuine recording rejects the person; on an attack it stops the attack.
            let rate = genuine ? Double(t.total - t.live) / Double(t.total) : Double(t.live) / Double(t.total)
            return KindSummary(
                kind: kind, presentations: t.total, acceptedAsLive: t.live, errors: t.errors, errorRate: rate,
                metric: genuine ? "BPCER" : "APCER")
        }
        if json {
            try printJSON(summaries)
        } else {
            print("| kind | presentations | accepted as live | errors | rate |")
            print("|---|---|---|---|---|")
            for s in summaries {
                print(
                    "| \(s.kind) | \(s.presentations) | \(s.acceptedAsLive) | \(s.errors) | \(s.metric) \(String(format: "%.1f", s.errorRate * 100)) % |"
                )
            }
        }
    }
}
