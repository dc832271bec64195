internal import CLikenessVision
import Foundation

/// SCRFD detection on one worker's networks.
enum FaceDetector {
    /// The input sizes used for an image under `policy`.
    ///
    /// Automatic: the smallest size that holds the image's long side without shrinking it (or
    /// the largest size), plus the smallest size when that differs. SCRFD-500M misses faces
    /// larger than about 250 px at its input, so a selfie whose face fills a 512-px frame is
    /// found at 320, while small faces in the same image are found at the larger size.
    static func inputSizes(for image: Image, policy: DetectionOptions.InputSize, available: [Int]) throws -> [Int] {
        switch policy {
        case .fixed(let size):
            guard available.contains(size) else {
                throw FaceKitError(
                    .invalidArgument, "detector input size \(size) is not in the model pack (\(available))")
            }
            return [size]
        case .automatic:
            let longSide = max(image.width, image.height)
            let primary = available.first { $0 >= longSide } ?? available.last!
            return primary == available[0] ? [primary] : [primary, available[0]]
        }
    }

    /// All faces above the options' thresholds, largest first.
    static func detect(in image: Image, options: DetectionOptions, networks: inout NetworkSet) throws -> [DetectedFace]
    {
        try options.validate()
        var candidates: [DetectedFace] = []
        for size in try inputSizes(for: image, policy: options.inputSize, available: networks.pack.detector.sizes) {
            candidates += try detect(in: image, size: size, threshold: options.scoreThreshold, networks: &networks)
        }
        return NonMaximumSuppression.apply(candidates, iouThreshold: options.nmsThreshold)
            .map { $0.clipped(width: image.width, height: image.height) }
            .filter { min($0.box.width, $0.box.height) >= options.minFaceSize }
            .sorted { $0.box.area > $1.box.area }
    }

    /// Candidates above `threshold` at one input size, before NMS.
    static func detect(in image: Image, size: Int, threshold: Double, networks: inout NetworkSet) throws
        -> [DetectedFace]
    {
        let spec = networks.pack.detector
        let network = try networks.detector(size: size)

        var blob = [Float](repeating: 0, count: 3 * size * size)
        var scale = 1.0
        let status = image.withHandle { handle in
            blob.withUnsafeMutableBufferPointer {
                lkv_letterbox_blob(handle, Int32(size), spec.mean, 1 / spec.std, $0.baseAddress, $0.count, &scale)
            }
        }
        guard status == LKV_OK else { throw FaceKitError(.internalFailure, "letterboxing failed") }

        let names = spec.strides.flatMap { stride in
            [spec.scoreOutput, spec.boxOutput, spec.keypointOutput].map {
                $0.replacingOccurrences(of: "{stride}", with: String(stride))
            }
        }
        let tensors = try network.forward(blob, shape: (1, 3, size, size), outputs: names)
        let outputs = spec.strides.enumerated().map { index, stride in
            SCRFDStrideOutput(
                stride: stride, scores: tensors[3 * index], boxes: tensors[3 * index + 1],
                keypoints: tensors[3 * index + 2])
        }
        return SCRFDDecoder.decode(
            outputs, inputSize: size, anchorsPerCell: spec.anchorsPerCell, threshold: threshold, scale: scale)
    }
}

extension DetectedFace {
    /// The face with its box clipped to the image (keypoints are left as predicted).
    func clipped(width: Int, height: Int) -> DetectedFace {
        var copy = self
        copy.box = BoundingBox(
            minX: max(0, box.minX), minY: max(0, box.minY), maxX: min(Double(width), box.maxX),
            maxY: min(Double(height), box.maxY))
        return copy
    }
}
