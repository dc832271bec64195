/// The raw tensors SCRFD produces for one feature-map stride.
struct SCRFDStrideOutput {
    var stride: Int
    /// One score per anchor.
    var scores: [Float]
    /// Four distances (left, top, right, bottom) per anchor, in units of the stride.
    var boxes: [Float]
    /// Ten values (five x, y offsets) per anchor, in units of the stride.
    var keypoints: [Float]
}

/// Turns SCRFD's per-anchor outputs into faces in original-image coordinates.
enum SCRFDDecoder {
    /// Decodes every anchor scoring at least `threshold`.
    /// - Parameters:
    ///   - inputSize: the square network input the outputs came from.
    ///   - anchorsPerCell: anchors at each feature-map cell (2 for the InsightFace SCRFD models).
    ///   - scale: the factor the image was resized by when letterboxed; coordinates are divided by it.
    static func decode(
        _ outputs: [SCRFDStrideOutput], inputSize: Int, anchorsPerCell: Int, threshold: Double, scale: Double
    ) -> [DetectedFace] {
        var faces: [DetectedFace] = []
        for output in outputs {
            let cells = (inputSize / output.stride) * (inputSize / output.stride)
            let anchorCount = cells * anchorsPerCell
            guard output.scores.count >= anchorCount, output.boxes.count >= anchorCount * 4,
                output.keypoints.count >= anchorCount * 10
            else { continue }
            let columns = inputSize / output.stride
            let stride = Double(output.stride)
            for anchor in 0..<anchorCount where Double(output.scores[anchor]) >= threshold {
                let cell = anchor / anchorsPerCell
                let cx = Double(cell % columns) * stride
                let cy = Double(cell / columns) * stride
                let d = output.boxes[(anchor * 4)..<(anchor * 4 + 4)].map { Double($0) * stride }
                let box = BoundingBox(minX: cx - d[0], minY: cy - d[1], maxX: cx + d[2], maxY: cy + d[3])
                var points: [Point] = []
                points.reserveCapacity(5)
                for k in 0..<5 {
                    let ox = Double(output.keypoints[anchor * 10 + 2 * k]) * stride
                    let oy = Double(output.keypoints[anchor * 10 + 2 * k + 1]) * stride
                    points.append(Point(x: (cx + ox) / scale, y: (cy + oy) / scale))
                }
                faces.append(
                    DetectedFace(
                        box: box.scaled(by: 1 / scale), score: Double(output.scores[anchor]), keypoints: points))
            }
        }
        return faces
    }
}
