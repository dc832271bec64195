import ArgumentParser

/// `likeness-bench`: the benchmarks (pipeline speed, verification pairs, 1:N search, clustering).
///
/// A binary of its own so that the FAISS comparison and the benchmark harnesses are not linked
/// into `likeness`; `likeness bench …` runs it.
public struct LikenessBenchCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "likeness bench",
        abstract: "Benchmarks: the face pipeline (default), verification pairs, 1:N search, clustering, index memory.",
        subcommands: [
            PipelineBenchCommand.self, VerifyBenchCommand.self, SearchBenchCommand.self, ClusterBenchCommand.self,
            MemoryBenchCommand.self,
        ],
        defaultSubcommand: PipelineBenchCommand.self)

    public init() {}
}
