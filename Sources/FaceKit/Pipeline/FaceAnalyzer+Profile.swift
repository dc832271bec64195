extension FaceAnalyzer {
    /// Runs `images` through detection and embedding on one worker, as `analyze` would (one face
    /// each, the largest), with OpenCV's per-layer timings read after every forward pass; returns
    /// each network's profile. A first pass over at most 5 images is not profiled (allocation).
    public func profileLayers(_ images: [Image], detection: DetectionOptions = .default) async throws
        -> [NetworkProfile]
    {
        try await pool.run { networks in
            let sizes = try Set(
                images.flatMap {
                    try FaceDetector.inputSizes(
                        for: $0, policy: detection.inputSize, available: networks.pack.detector.sizes)
                }
            ).sorted()
            func pass(_ images: ArraySlice<Image>, networks: inout NetworkSet) throws {
                for image in images {
                    let faces = try FaceDetector.detect(in: image, options: detection, networks: &networks)
                    guard let face = faces.first else { continue }
                    var timings = StageTimings()
                    _ = try FaceEmbedder.embed(
                        [face], in: image, options: .default, networks: &networks, timings: &timings)
                }
            }
            try pass(images.prefix(5), networks: &networks)
            try networks.startProfiling(detectorSizes: sizes)
            do {
                try pass(images[...], networks: &networks)
            } catch {
                _ = networks.finishProfiling()
                throw error
            }
            return networks.finishProfiling()
        }
    }
}
