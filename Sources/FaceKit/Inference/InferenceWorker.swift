import Dispatch

/// Owns one copy of the networks and runs work on them on its own serial queue, off Swift's
/// cooperative thread pool, so long inference never blocks other tasks.
final class InferenceWorker: @unchecked Sendable {
    // @unchecked: `networks` is touched only inside blocks on `queue`, which is serial.
    private let queue: DispatchQueue
    private var networks: NetworkSet

    init(index: Int, pack: ModelPack) {
        queue = DispatchQueue(label: "likeness.inference.\(index)", qos: .userInitiated)
        networks = NetworkSet(pack: pack)
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
    private var detectors: [Int: NeuralNetwork] = [:]
    private var embedderNetwork: NeuralNetwork?
    private var landmarkNetwork: NeuralNetwork?

    init(pack: ModelPack) {
        self.pack = pack
    }

    mutating func detector(size: Int) throws -> NeuralNetwork {
        if let network = detectors[size] { return network }
        guard let path = pack.detectorPath(size: size) else {
            throw FaceKitError(
                .invalidArgument,
                "the model pack has no detector for input size \(size) (sizes: \(pack.detector.sizes))")
        }
        let network = try NeuralNetwork(onnxPath: path)
        detectors[size] = network
        return network
    }

    mutating func landmarker() throws -> NeuralNetwork {
        if let landmarkNetwork { return landmarkNetwork }
        guard let path = pack.landmarksPath else {
            throw FaceKitError(.modelUnavailable, "model pack \(pack.id) has no landmark network")
        }
        let network = try NeuralNetwork(onnxPath: path)
        landmarkNetwork = network
        return network
    }

    mutating func embedder() throws -> NeuralNetwork {
        if let embedderNetwork { return embedderNetwork }
        let network = try NeuralNetwork(onnxPath: pack.embedderPath)
        embedderNetwork = network
        return network
    }
}
