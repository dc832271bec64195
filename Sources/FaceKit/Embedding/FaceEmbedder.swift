internal import CLikenessVision

/// Aligns faces to the ArcFace template and embeds them in one batch on a worker's network.
enum FaceEmbedder {
    static func embed(
        _ faces: [DetectedFace], in image: Image, options: EmbeddingOptions, networks: inout NetworkSet,
        timings: inout StageTimings
    ) throws -> [FaceEmbedding] {
        guard !faces.isEmpty else { return [] }
        let spec = networks.pack.embedder
        let side = spec.inputSize
        let crops = options.mirrorAugmentation ? 2 : 1
        let plane = 3 * side * side
        var blob = [Float](repeating: 0, count: faces.count * crops * plane)

        let alignStart = ContinuousClock.now
        for (index, face) in faces.enumerated() {
            let matrix = try ArcFaceTemplate.alignment(for: face, size: side).matrix
            let base = index * crops * plane
            let status = image.withHandle { handle in
                blob.withUnsafeMutableBufferPointer { buffer in
                    matrix.withUnsafeBufferPointer { m in
                        lkv_aligned_blob(
                            handle, m.baseAddress, Int32(side), spec.mean, 1 / spec.std, buffer.baseAddress! + base,
                            crops == 2 ? buffer.baseAddress! + base + plane : nil)
                    }
                }
            }
            guard status == LKV_OK else { throw FaceKitError(.internalFailure, "alignment failed") }
        }
        timings.align += ContinuousClock.now - alignStart

        let embedStart = ContinuousClock.now
        let network = try networks.embedder()
        let output = try network.forward(blob, shape: (faces.count * crops, 3, side, side), outputs: [spec.output])[0]
        timings.embed += ContinuousClock.now - embedStart
        guard output.count == faces.count * crops * spec.dimension else {
            throw FaceKitError(
                .internalFailure, "the embedder returned \(output.count) values for \(faces.count) faces")
        }
        return try (0..<faces.count).map { index in
            var raw = [Float](repeating: 0, count: spec.dimension)
            for crop in 0..<crops {
                // Each crop's vector is normalised before averaging so neither view dominates.
                let start = (index * crops + crop) * spec.dimension
                let view = Array(output[start..<start + spec.dimension])
                guard let unit = FaceEmbedding(normalizing: view) else {
                    throw FaceKitError(.internalFailure, "the embedder returned a degenerate vector")
                }
                for d in 0..<spec.dimension { raw[d] += unit.vector[d] }
            }
            guard let embedding = FaceEmbedding(normalizing: raw) else {
                throw FaceKitError(.internalFailure, "the embedder returned a degenerate vector")
            }
            return embedding
        }
    }
}
