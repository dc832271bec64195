import ArgumentParser

/// `likeness-bench`: the benchmarks (pipeline speed, verification pairs, 1:N search, clustering).
///
/// A binary of its own so that the FAISS comparison and the benchmark harnesses are not linked
/// into `likeness`; `likeness bench …` runs it.
public struct LikenessBenchCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "likeness bench",
        abstract:
            "Benchmarks: the face pipeline (default), verification pairs, 1:N search, clustering, index memory, layers.",
        discussion: """
            Examples:
              likeness bench pipeline ../shared/data/lfw/images --limit 200
              likeness bench search --gallery 100000 --real-root ../shared/data/lfw/images
              likeness bench memory --templates 1000000 --json
            """,
        subcommands: [
            PipelineBenchCommand.self, VerifyBenchCommand.self, SearchBenchCommand.self, ClusterBenchCommand.self,
            MemoryBenchCommand.self, LayersBenchCommand.self,
        ],
        defaultSubcommand: PipelineBenchCommand.self)

    public init() {}
}
