import ArgumentParser
import FaceKit
import Foundation

extension FaceSelection: ExpressibleByArgument {}

/// Options shared by every command that runs the face pipeline.
struct PipelineOptions: ParsableArguments {
    @Option(help: "Model pack directory (default: $LIKENESS_MODELS, ./models, or the checkout's models/).")
    var models: String?

    @Option(help: "Detector input size: auto, or one the model pack provides (320, 480, 640).")
    var detectorSize: String = "auto"

    @Option(help: "Minimum detector score for a face.")
    var scoreThreshold: Double = 0.5

    @Option(help: "Minimum face box side in pixels.")
    var minFaceSize: Double = 0

    @Option(help: "Which face to use when there are several: largest (selfie, ID) or centered (cropped portraits).")
    var select: FaceSelection = .largest

    @Flag(help: "Average the embeddings of each face and its mirror image.")
    var mirror = false

    @Option(help: "Parallel inference workers (default: one per core).")
    var workers: Int?

    @Option(help: "OpenCV threads inside one inference call.")
    var threads: Int = 1

    func validate() throws {
        if detectorSize != "auto" && Int(detectorSize) == nil {
            throw ValidationError("--detector-size must be auto or a number")
        }
        guard (0...1).contains(scoreThreshold) else { throw ValidationError("--score-threshold must be in 0...1") }
        guard minFaceSize >= 0 else { throw ValidationError("--min-face-size must not be negative") }
        if let workers, workers < 1 || workers > 64 { throw ValidationError("--workers must be in 1...64") }
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be in 1...64") }
    }

    var detection: DetectionOptions {
        DetectionOptions(
            scoreThreshold: scoreThreshold, minFaceSize: minFaceSize,
            inputSize: Int(detectorSize).map { .fixed($0) } ?? .automatic)
    }

    var embedding: EmbeddingOptions { EmbeddingOptions(mirrorAugmentation: mirror) }

    var limits: ImageLimits { .default }

    func makeAnalyzer() throws -> FaceAnalyzer {
        let pack = try ModelPack.load(from: ModelLocator.directory(explicit: models))
        let configuration = InferenceConfiguration(
            workers: workers ?? ProcessInfo.processInfo.activeProcessorCount, threadsPerCall: threads)
        return FaceAnalyzer(pack: pack, configuration: configuration)
    }

    /// Reads and decodes one image file.
    func load(_ path: String, with analyzer: FaceAnalyzer) async throws -> Image {
        do {
            return try await analyzer.decode(ImageFiles.read(path, limits: limits), limits: limits)
        } catch let error as FaceKitError {
            throw FaceKitError(error.code, "\(path): \(error.message)")
        }
    }
}
