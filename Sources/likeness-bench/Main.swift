import LikenessBench
import LikenessCLI

/// `likeness-bench`: benchmark-only commands, kept out of the `likeness` binary.
@main
enum Main {
    static func main() async { await Likeness.run(as: LikenessBenchCommand.self) }
}
