import ArgumentParser
import FaceKit
import Foundation
import Workflows

extension FaceSelection: ExpressibleByArgument {}
extension InferenceRuntime: ExpressibleByArgument {}

/// Options shared by every command that runs the face pipeline.
package struct PipelineOptions: ParsableArguments {
    package init() {}

    @Option(help: "Model pack directory (default: $LIKENESS_MODELS, ./models, or the checkout's models/).")
    package var models: String?

    @Option(help: "Detector input size: auto, or one the model pack provides (320, 480, 640).")
    package var detectorSize: String = "auto"

    @Option(help: "Minimum detector score for a face.")
    package var scoreThreshold: Double = 0.5

    @Option(help: "Minimum face box side in pixels.")
    package var minFaceSize: Double = 0

    @Option(help: "Which face to use when there are several: largest (selfie, ID) or centered (cropped portraits).")
    package var select: FaceSelection = .largest

    @Flag(help: "Average the embeddings of each face and its mirror image.")
    package var mirror = false

    @Option(help: "Parallel inference workers (default: one per core).")
    package var workers: Int?

    @Option(help: "Threads inside one inference call.")
    package var threads: Int = 1

    @Option(help: "Inference runtime: auto (OpenVINO when installed, else OpenCV), opencv or openvino.")
    package var runtime: InferenceRuntime = .automatic

    package func validate() throws {
        if detectorSize != "auto" && Int(detectorSize) == nil {
            throw ValidationError("--detector-size must be auto or a number")
        }
        guard (0...1).contains(scoreThreshold) else { throw ValidationError("--score-threshold must be in 0...1") }
        guard minFaceSize >= 0 else { throw ValidationError("--min-face-size must not be negative") }
        if let workers, workers < 1 || workers > 64 { throw ValidationError("--workers must be in 1...64") }
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be in 1...64") }
    }

    package var detection: DetectionOptions {
        DetectionOptions(
            scoreThreshold: scoreThreshold, minFaceSize: minFaceSize,
            inputSize: Int(detectorSize).map { .fixed($0) } ?? .automatic)
    }

    package var embedding: EmbeddingOptions { EmbeddingOptions(mirrorAugmentation: mirror) }

    /// How the workflows find and embed a face, from these flags.
    package var settings: AnalysisSettings { AnalysisSettings(detection: detection, selection: select, embedding: embedding) }

    package var limits: ImageLimits { .default }

    package func makeAnalyzer() throws -> FaceAnalyzer {
        let pack = try ModelPack.load(from: ModelLocator.directory(explicit: models))
        let configuration = InferenceConfiguration(
            workers: workers ?? ProcessInfo.processInfo.activeProcessorCount, threadsPerCall: threads,
            runtime: runtime)
        return try FaceAnalyzer(pack: pack, configuration: configuration)
    }

    /// Reads and decodes one image file.
    package func load(_ path: String, with analyzer: FaceAnalyzer) async throws -> Image {
        do {
            return try await analyzer.decode(ImageFiles.read(path, limits: limits), limits: limits)
        } catch let error as FaceKitError {
            throw FaceKitError(error.code, "\(path): \(error.message)")
        }
    }
}
