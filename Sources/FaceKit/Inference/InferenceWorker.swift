import Dispatch

/// Owns one copy of the networks and runs work on them on its own serial queue, off Swift's
/// cooperative thread pool, so long inference never blocks other tasks.
final class InferenceWorker: @unchecked Sendable {
    // @unchecked: `networks` is touched only inside blocks on `queue`, which is serial.
    private let queue: DispatchQueue
    private var networks: NetworkSet

    init(index: Int, pack: ModelPack, runtime: InferenceRuntime, threads: Int) {
        queue = DispatchQueue(label: "likeness.inference.\(index)", qos: .userInitiated)
        networks = NetworkSet(pack: pack, runtime: runtime, threads: threads)
    }

    /// Runs `work` on this worker's queue with exclusive access to its networks.
    func run<T: Sendable>(_ work: @escaping @Sendable (inout NetworkSet) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try work(&self.networks) })
            }
        }
    }
}

/// The networks of one worker, loaded on first use.
struct NetworkSet {
    let pack: ModelPack
    /// `.opencv` or `.openvino` (resolved), and the threads inside each call.
    let runtime: InferenceRuntime
    let threads: Int
    private var detectors: [Int: NeuralNetwork] = [:]
    private var embedderNetwork: NeuralNetwork?
    private var landmarkNetwork: NeuralNetwork?

    init(pack: ModelPack, runtime: InferenceRuntime, threads: Int) {
        self.pack = pack
        self.runtime = runtime
        self.threads = threads
    }

    mutating func detector(size: Int) throws -> NeuralNetwork {
        if let network = detectors[size] { return network }
        guard let path = pack.detectorPath(size: size) else {
            throw FaceKitError(
                .invalidArgument,
                "the model pack has no detector for input size \(size) (sizes: \(pack.detector.sizes))")
        }
        let network = try NeuralNetwork(onnxPath: path, runtime: runtime, threads: threads)
        detectors[size] = network
        return network
    }

    mutating func landmarker() throws -> NeuralNetwork {
        if let landmarkNetwork { return landmarkNetwork }
        guard let path = pack.landmarksPath else {
            throw FaceKitError(.modelUnavailable, "model pack \(pack.id) has no landmark network")
        }
        let network = try NeuralNetwork(onnxPath: path, runtime: runtime, threads: threads)
        landmarkNetwork = network
        return network
    }

    mutating func embedder() throws -> NeuralNetwork {
        if let embedderNetwork { return embedderNetwork }
        let network = try NeuralNetwork(onnxPath: pack.embedderPath, runtime: runtime, threads: threads)
        embedderNetwork = network
        return network
    }

    /// Loads the detector at `sizes` and the embedder, and starts timing their layers.
    mutating func startProfiling(detectorSizes sizes: [Int]) throws {
        guard runtime == .opencv else {
            throw FaceKitError(.invalidArgument, "layer profiles come from OpenCV: profile with the opencv runtime")
        }
        for size in sizes { try detector(size: size).profile = LayerTimingAccumulator() }
        try embedder().profile = LayerTimingAccumulator()
    }

    /// The profiles gathered since `startProfiling`, detectors by size then the embedder; profiling stops.
    func finishProfiling() -> [NetworkProfile] {
        var profiles: [NetworkProfile] = []
        for (size, network) in detectors.sorted(by: { $0.key < $1.key }) {
            if let profile = network.profile, profile.forwards > 0 {
                profiles.append(profile.profile(network: "detector \(size)"))
            }
            network.profile = nil
        }
        if let network = embedderNetwork, let profile = network.profile {
            if profile.forwards > 0 { profiles.append(profile.profile(network: "embedder")) }
            network.profile = nil
        }
        return profiles
    }
}
