import ArgumentParser
import FaceKit
import Foundation

/// `likeness liveness …`: judge a recording, list the challenges, find the action events, or
/// evaluate a manifest of attacks.
struct LivenessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "liveness",
        abstract: "Liveness of a recorded challenge: one video, the challenges and events, or an evaluation.",
        discussion: """
            Examples:
              likeness liveness clip.webm --challenge turn_left,blink
              likeness liveness challenges
              likeness liveness eval manifest.json --json
            """,
        subcommands: [
            LivenessCheckCommand.self, LivenessChallengesCommand.self, LivenessEventsCommand.self,
            LivenessEvalCommand.self,
        ],
        defaultSubcommand: LivenessCheckCommand.self)
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
