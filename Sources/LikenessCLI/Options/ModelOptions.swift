import ArgumentParser
import FaceKit
import Foundation

/// The model pack and inference workers of commands with their own detection settings (footage).
struct ModelOptions: ParsableArguments {
    @Option(help: "Model pack directory (default: $LIKENESS_MODELS, ./models, or the checkout's models/).")
    var models: String?

    @Option(help: "Parallel inference workers (default: one per core).")
    var workers: Int?

    @Option(help: "Inference runtime: auto (OpenVINO when installed, else OpenCV), opencv or openvino.")
    var runtime: InferenceRuntime = .automatic

    func validate() throws {
        if let workers, !(1...64).contains(workers) { throw ValidationError("--workers must be in 1...64") }
    }

    /// Loads the pack (checksums verified) and prepares the workers, one thread each.
    func makeAnalyzer() throws -> FaceAnalyzer {
        let pack = try ModelPack.load(from: ModelLocator.directory(explicit: models))
        return try FaceAnalyzer(
            pack: pack,
            configuration: InferenceConfiguration(
                workers: workers ?? ProcessInfo.processInfo.activeProcessorCount, threadsPerCall: 1, runtime: runtime))
    }
}
