import ArgumentParser
import FaceKit
import Foundation

struct LivenessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "liveness",
        abstract: "Liveness of a recorded challenge: one video, or an evaluation over a manifest of attacks.",
        subcommands: [LivenessCheckCommand.self, LivenessEvalCommand.self],
        defaultSubcommand: LivenessCheckCommand.self)
}

/// What both liveness commands print for one video.
struct LivenessReport: Encodable {
    var live: Bool
    var score: Double
    var checks: [LivenessCheck]
    var reasons: [String]
    var actions: [ActionOutcome]
    var frames: Int
    var durationMs: Double
    var reference: FaceReport?

    enum CodingKeys: String, CodingKey {
        case live, score, checks, reasons, actions, frames, reference
        case durationMs = "duration_ms"
    }

    init(_ result: LivenessResult) {
        live = result.live
        score = result.score
        checks = result.checks
        reasons = result.reasons
        actions = result.actions
        frames = result.framesAnalysed
        durationMs = result.durationMilliseconds
        reference = result.reference.map { FaceReport($0.face) }
    }
}

struct LivenessCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Judge whether a recording shows a live person performing the challenge.",
        discussion: """
            Exit status: 0 live, 1 not live, 2 error. The checks: one face throughout, the \
            actions in order and in time, the same person throughout, no cut or jump, and the \
            planar-spoof check. docs/liveness.md explains each.
            """)

    @Argument(help: "The recording (WebM VP8/VP9 or MP4/H.264, at most 10 s).")
    var video: String

    @Option(help: "The actions asked for, in order: turn_left, turn_right, look_up, blink, open_mouth.")
    var challenge: String

    @Option(help: "The longest recording analysed, in seconds.")
    var maxSeconds: Double = 10

    @Option(help: "Analyse only from this time (ms) of the recording.")
    var startMs: Double?

    @Option(help: "Analyse only up to this time (ms) of the recording.")
    var endMs: Double?

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var pipeline: PipelineOptions

    func validate() throws {
        guard maxSeconds > 0 && maxSeconds <= 600 else { throw ValidationError("--max-seconds must be in (0, 600]") }
        if let startMs, let endMs, endMs <= startMs { throw ValidationError("--end-ms must be after --start-ms") }
    }

    func run() async throws {
        let challenge = try LivenessChallenge(parsing: challenge)
        guard FileManager.default.fileExists(atPath: video) else {
            throw CLIError(code: "file_not_found", message: "\(video) does not exist")
        }
        let analyzer = try pipeline.makeAnalyzer()
        let threshold = try analyzer.pack.decisionThreshold(fmr: 1e-5).threshold
        var limits = LivenessLimits()
        limits.maxSeconds = maxSeconds
        let window = try ClosedRange.excerpt(from: startMs, to: endMs)
        let result = try await analyzer.analyzeLiveness(
            videoAt: video, challenge: challenge, identityThreshold: threshold, limits: limits, window: window)
        if json {
            try printJSON(LivenessReport(result))
        } else {
            print("\(result.live ? "LIVE" : "NOT LIVE"): score \(result.score), \(result.framesAnalysed) frames")
            for action in result.actions {
                print(
                    "  \(action.found ? "found  " : "missing") \(action.action.rawValue)"
                        + (action.atMilliseconds.map { " at \(Int($0)) ms" } ?? ""))
            }
            for check in result.checks {
                print("  \(check.passed ? "pass" : "FAIL") \(check.name) \(check.value) (threshold \(check.threshold))")
            }
            if !result.reasons.isEmpty { print("  reasons: \(result.reasons.joined(separator: ", "))") }
        }
        if !result.live { throw ExitCode(1) }
    }
}

extension ClosedRange where Bound == Double {
    /// The part of a recording to analyse, in ms, when either end is given; nil for all of it.
    /// Throws `invalid_argument` when the end is not after the start.
    static func excerpt(from start: Double?, to end: Double?) throws -> ClosedRange<Double>? {
        guard start != nil || end != nil else { return nil }
        let lower = start ?? 0
        let upper = end ?? .greatestFiniteMagnitude
        guard upper > lower else { throw FaceKitError(.invalidArgument, "the end (ms) must be after the start") }
        return lower...upper
    }
}
