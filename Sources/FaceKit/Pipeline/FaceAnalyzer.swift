internal import CLikenessVision
import Dispatch

/// The face pipeline: detection, alignment and embedding on a pool of inference workers.
///
/// Safe to call from many tasks at once; each call runs on a free worker's own thread.
public final class FaceAnalyzer: Sendable {
    /// The model pack in use.
    public let pack: ModelPack
    /// The library running the networks: `.opencv` or `.openvino`.
    public let runtime: InferenceRuntime
    /// Why OpenVINO is not in use when the configuration asked for `automatic` and got OpenCV.
    public let runtimeFallback: String?
    let pool: WorkerPool

    /// Prepares workers for `pack`; networks load on each worker's first use. Throws only when
    /// the configuration names `openvino` and it cannot be opened.
    public init(pack: ModelPack, configuration: InferenceConfiguration = InferenceConfiguration()) throws {
        self.pack = pack
        (runtime, runtimeFallback) = try OpenVINOLibrary.resolve(configuration.runtime, pack: pack)
        lkv_set_num_threads(Int32(configuration.threadsPerCall))
        let (runtime, threads) = (runtime, configuration.threadsPerCall)
        pool = WorkerPool(
            workers: (0..<configuration.workers).map {
                InferenceWorker(index: $0, pack: pack, runtime: runtime, threads: threads)
            })
    }

    /// The number of parallel workers.
    public var workerCount: Int { pool.size }

    /// Loads every network on every worker now, so that the first request does not pay for it.
    public func warmUp() async throws {
        let sizes = pack.detector.sizes
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<pool.size {
                group.addTask {
                    try await self.pool.run { networks in
                        for size in sizes { _ = try networks.detector(size: size) }
                        _ = try networks.embedder()
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// All faces in the image, largest first.
    public func detect(in image: Image, options: DetectionOptions = .default) async throws -> [DetectedFace] {
        try await pool.run { networks in try FaceDetector.detect(in: image, options: options, networks: &networks) }
    }

    /// Templates for the given faces of one image, computed as one batch.
    public func embed(_ faces: [DetectedFace], in image: Image, options: EmbeddingOptions = .default) async throws
        -> [FaceEmbedding]
    {
        try await pool.run { networks in
            var timings = StageTimings()
            return try FaceEmbedder.embed(faces, in: image, options: options, networks: &networks, timings: &timings)
        }
    }

    /// Detects, chooses one face and embeds it, in one turn on one worker.
    public func analyze(
        _ image: Image, detection: DetectionOptions = .default, selection: FaceSelection = .largest,
        strict: Bool = false, embedding: EmbeddingOptions = .default, quality: QualityProfile? = nil
    ) async throws -> FaceAnalysis {
        try await pool.run { networks in
            var timings = StageTimings()
            let start = ContinuousClock.now
            let faces = try FaceDetector.detect(in: image, options: detection, networks: &networks)
            timings.detect = ContinuousClock.now - start
            let face = try selection.pick(
                from: faces, imageWidth: image.width, imageHeight: image.height, strict: strict)
            let vector = try FaceEmbedder.embed(
                [face], in: image, options: embedding, networks: &networks, timings: &timings)[0]
            var analysis = FaceAnalysis(faces: faces, face: face, embedding: vector, timings: timings)
            if let quality {
                try analysis.assess(quality, in: image, networks: &networks)
            }
            return analysis
        }
    }
}

extension FaceAnalyzer {
    /// Decodes image bytes on a background queue, so a large image never stalls a cooperative thread.
    public func decode(_ bytes: [UInt8], limits: ImageLimits = .default) async throws -> Image {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result { try Image.decode(bytes, limits: limits) })
            }
        }
    }
}

extension FaceAnalyzer {
    /// The 106 landmarks of each face, in image coordinates, computed as one batch.
    public func landmarks(for faces: [DetectedFace], in image: Image) async throws -> [FaceLandmarks] {
        try await pool.run { networks in try FaceLandmarker.landmarks(for: faces, in: image, networks: &networks) }
    }
}

extension FaceAnalyzer {
    /// Judges one face of an image against a quality profile (landmarks, pose, photometry).
    public func assessQuality(
        of face: DetectedFace, among faces: [DetectedFace], in image: Image, profile: QualityProfile
    ) async throws -> (QualityAssessment, FaceLandmarks) {
        try await pool.run { networks in
            try QualityAssessment.assess(face, among: faces, in: image, profile: profile, networks: &networks)
        }
    }
}
