import LikenessCLI

/// `likeness`: every command lives in LikenessCLI; this is only the entry point.
@main
enum Main {
    static func main() async { await Likeness.main() }
}
