internal import CLikenessVision

/// Dense landmarks (106 points) on a crop around each detected face, as one batch.
enum FaceLandmarker {
    static func landmarks(for faces: [DetectedFace], in image: Image, networks: inout NetworkSet) throws
        -> [FaceLandmarks]
    {
        guard !faces.isEmpty else { return [] }
        guard let spec = networks.pack.landmarks else {
            throw FaceKitError(.modelUnavailable, "model pack \(networks.pack.id) has no landmark network")
        }
        let side = spec.inputSize
        let plane = 3 * side * side
        var blob = [Float](repeating: 0, count: faces.count * plane)
        var crops: [SimilarityTransform] = []
        for (index, face) in faces.enumerated() {
            let crop = cropTransform(for: face.box, inputSize: side, cropScale: spec.cropScale)
            crops.append(crop)
            let status = image.withHandle { handle in
                blob.withUnsafeMutableBufferPointer { buffer in
                    crop.matrix.withUnsafeBufferPointer { m in
                        lkv_aligned_blob(
                            handle, m.baseAddress, Int32(side), spec.mean, 1 / spec.std,
                            buffer.baseAddress! + index * plane, nil)
                    }
                }
            }
            guard status == LKV_OK else { throw FaceKitError(.internalFailure, "landmark crop failed") }
        }
        let output = try networks.landmarker().forward(
            blob, shape: (faces.count, 3, side, side), outputs: [spec.output])[0]
        let perFace = output.count / faces.count
        guard perFace >= spec.points * 2 else {
            throw FaceKitError(.internalFailure, "the landmark network returned \(perFace) values per face")
        }
        let half = Double(side) / 2
        return try crops.enumerated().map { index, crop in
            let inverse = crop.inverse
            // The last points×2 values are the 2-D points, in [-1, 1] across the crop.
            let base = index * perFace + perFace - spec.points * 2
            return try FaceLandmarks(
                points: (0..<spec.points).map { k in
                    let x = (Double(output[base + 2 * k]) + 1) * half
                    let y = (Double(output[base + 2 * k + 1]) + 1) * half
                    return inverse.apply(Point(x: x, y: y))
                })
        }
    }

    /// Maps the square of side `cropScale` × the box's longer side, centred on the box, onto the input.
    static func cropTransform(for box: BoundingBox, inputSize: Int, cropScale: Double) -> SimilarityTransform {
        let scale = Double(inputSize) / (max(box.width, box.height, 1) * cropScale)
        let center = box.center
        return SimilarityTransform(
            a: scale, b: 0, tx: Double(inputSize) / 2 - center.x * scale, ty: Double(inputSize) / 2 - center.y * scale)
    }
}
