import ArgumentParser
import Foundation
import Workflows

/// The `likeness` command-line tool; `Sources/likeness` is its thin `@main`.
public struct Likeness: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "likeness",
        abstract: "Self-hosted face verification: detect, compare and evaluate faces; enrol and search a gallery.",
        discussion: """
            Every command has --help. Exit status: 0 success, 1 a negative answer (verify: no \
            match; enroll: possible duplicate), 2 an error (`error: <code>: <message>` on stderr).

            Examples:
              likeness detect photo.jpg
              likeness verify selfie.jpg id-card.jpg --document
              likeness serve --data data
            """,
        version: "likeness \(LikenessVersion.current)",
        subcommands: [
            DetectCommand.self, VerifyCommand.self, FindCommand.self, EmbedCommand.self, EvalCommand.self,
            CalibrateCommand.self, QualityCommand.self, TrackCommand.self, RedactCommand.self, VideoCommand.self, LivenessCommand.self, BenchCommand.self,
            EnrollCommand.self, EnrollDirCommand.self, SearchCommand.self, IdentifyCommand.self, SubjectsCommand.self,
            ConsentCommand.self,
            AuditCommand.self, KeysCommand.self, EvalGalleryCommand.self, ClusterCommand.self, ServeCommand.self,
            BackupCommand.self, CompactCommand.self,
        ]
    )

    /// Every failure, usage errors included, exits with status 2 so scripts can tell an error
    /// from a verify non-match (status 1).
    public init() {}

    public static func main() async {
        await run(as: Likeness.self)
    }

    /// Parses and runs `Root` (this tool, or likeness-bench, which shares its conventions).
    public static func run<Root: ParsableCommand>(as root: Root.Type) async {
        do {
            var command = try Root.parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            let code = Root.exitCode(for: error)
            if code == .success {
                Root.exit(withError: error)
            }
            FileHandle.standardError.write(Data((CLIError.describe(error) + "\n").utf8))
            Foundation.exit(2)
        }
    }
}
