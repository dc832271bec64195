import ArgumentParser
import FaceKit
import Workflows

/// `likeness liveness challenges`: every challenge the service can issue, from the Swift rules.
struct LivenessChallengesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "challenges",
        abstract: "List every issuable challenge (default pool and with look_up) and the order-checked actions.",
        discussion: """
            scripts/liveness-fixtures and scripts/liveness-attacks read --json instead of \
            restating the rules.

            Examples:
              likeness liveness challenges
              likeness liveness challenges --json
            """)

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let document = LivenessWorkflow.challenges()
        if json {
            try printJSON(document)
            return
        }
        let names = { (actions: [LivenessAction]) in actions.map(\.rawValue).joined(separator: ", ") }
        print("order-checked: \(names(document.orderChecked)); head movements: \(names(document.headMovements))")
        for (name, pool) in document.pools.sorted(by: { $0.key < $1.key }) {
            print("\(name) (\(names(pool.allowed))): \(pool.challenges.count) challenges")
            for challenge in pool.challenges { print("  \(names(challenge))") }
        }
    }
}
