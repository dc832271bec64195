import ArgumentParser
import Foundation
import Workflows

/// `likeness bench …` runs `likeness-bench` from the same directory, so benchmark-only code
/// (the FAISS comparison, the harnesses) stays out of this binary.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks (pipeline, verify, search, cluster): runs likeness-bench beside this binary.",
        discussion: """
            likeness bench --help lists them; every argument is passed on.

            Examples:
              likeness bench pipeline lfw/
              likeness bench search --gallery 100000
              likeness bench --help
            """)

    @Argument(parsing: .captureForPassthrough, help: "The benchmark and its options.")
    var arguments: [String] = []

    func run() throws {
        let own =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let bench = URL(fileURLWithPath: own).deletingLastPathComponent().appendingPathComponent("likeness-bench")
        guard FileManager.default.isExecutableFile(atPath: bench.path) else {
            throw CLIError(
                code: "file_not_found",
                message: "\(bench.path) is missing: build it with swift build -c release --product likeness-bench")
        }
        let argv = [bench.path] + arguments
        let cArguments = argv.map { strdup($0) } + [nil]
        execv(bench.path, cArguments)
        throw CLIError(code: .execFailed, message: "cannot run \(bench.path): \(String(cString: strerror(errno)))")
    }
}
