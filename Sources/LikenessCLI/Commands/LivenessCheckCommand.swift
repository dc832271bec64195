import ArgumentParser
import Crypto
import FaceKit
import Foundation
import Tokens
import Workflows

/// `likeness liveness check VIDEO --challenge …`: the liveness decision on one recording.
struct LivenessCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Judge whether a recording shows a live person performing the challenge.",
        discussion: """
            --json prints the document POST /v1/liveness/sessions/{id}/video answers (without \
            the session). Exit status: 0 live, 1 not live, 2 error. The checks: one face \
            throughout, the actions in order and in time, the same person throughout, no cut or \
            jump, and the planar-spoof check. docs/liveness.md explains each.

            Examples:
              likeness liveness check clip.webm --challenge turn_left,blink
              likeness liveness check clip.webm --challenge blink --document id-card.jpg --json
            """)

    @Argument(help: "The recording (WebM VP8/VP9 or MP4/H.264, at most 10 s).")
    var video: String

    @Option(help: "The actions asked for, in order: turn_left, turn_right, look_up, blink, open_mouth.")
    var challenge: String

    @Option(help: "An ID document image to compare the live face with.")
    var document: String?

    @Option(help: "False-match rate of the document comparison.")
    var fmr: Double = OperatingPoint.verifyFMR

    @OptionGroup var recording: LivenessRecordingOptions

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var pipeline: PipelineOptions

    func run() async throws {
        let challenge = try LivenessChallenge(parsing: challenge)
        try recording.requireFile(video)
        var comparison = LivenessComparison.none
        if let document {
            guard let data = FileManager.default.contents(atPath: document) else {
                throw CLIError(code: .fileNotFound, message: "cannot read \(document)")
            }
            let bytes = [UInt8](data)
            comparison = .document(bytes: bytes, sha256: Hex.string(SHA256.hash(data: bytes)))
        }
        let workflow = LivenessWorkflow(faces: FaceWorkflows(analyzer: try pipeline.makeAnalyzer()))
        let answer = try await workflow.analyze(
            videoAt: video, challenge: challenge, limits: recording.limits, window: try recording.window(),
            comparison: comparison, verificationFMR: fmr, documentLimits: pipeline.limits)
        if json {
            try printJSON(answer)
        } else {
            print(Self.summary(answer))
        }
        if !answer.live { throw ExitCode(1) }
    }

    /// The text output: the verdict, each action and check, the reasons and the comparison.
    static func summary(_ answer: LivenessDocument) -> String {
        var lines = ["\(answer.live ? "LIVE" : "NOT LIVE"): score \(answer.score), \(answer.framesAnalysed) frames"]
        for action in answer.actions {
            lines.append(
                "  \(action.found ? "found  " : "missing") \(action.action.rawValue)"
                    + (action.atMilliseconds.map { " at \(Int($0)) ms" } ?? ""))
        }
        for check in answer.checks {
            lines.append(
                "  \(check.passed ? "pass" : "FAIL") \(check.name.rawValue) \(check.value) (threshold \(check.threshold))"
            )
        }
        if !answer.reasons.isEmpty {
            lines.append("  reasons: \(answer.reasons.map(\.rawValue).joined(separator: ", "))")
        }
        if let verification = answer.verification {
            lines.append(
                "  \(verification.against.rawValue): \(verification.decision.rawValue), similarity "
                    + "\(verification.similarity) (threshold \(verification.threshold))")
        }
        return lines.joined(separator: "\n")
    }
}

/// The recording options the liveness commands share: the length limit and an excerpt.
struct LivenessRecordingOptions: ParsableArguments {
    @Option(help: "The longest recording analysed, in seconds.")
    var maxSeconds: Double = 10

    @Option(help: "Analyse only from this time (ms) of the recording.")
    var startMs: Double?

    @Option(help: "Analyse only up to this time (ms) of the recording.")
    var endMs: Double?

    func validate() throws {
        guard maxSeconds > 0 && maxSeconds <= 600 else { throw ValidationError("--max-seconds must be in (0, 600]") }
        if let startMs, let endMs, endMs <= startMs { throw ValidationError("--end-ms must be after --start-ms") }
    }

    var limits: LivenessLimits {
        var limits = LivenessLimits()
        limits.maxSeconds = maxSeconds
        return limits
    }

    func window() throws -> ClosedRange<Double>? { try .excerpt(from: startMs, to: endMs) }

    func requireFile(_ path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw CLIError(code: .fileNotFound, message: "\(path) does not exist")
        }
    }
}
