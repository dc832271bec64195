internal import CLikenessVision
import Foundation

/// SCRFD detection on one worker's networks.
enum FaceDetector {
    /// The input size used for an image under `policy`.
    static func inputSize(for image: Image, policy: DetectionOptions.InputSize, available: [Int]) throws -> Int {
        switch policy {
        case .fixed(let size):
            guard available.contains(size) else {
                throw FaceKitError(
                    .invalidArgument, "detector input size \(size) is not in the model pack (\(available))")
            }
            return size
        case .automatic:
            let longSide = max(image.width, image.height)
            return available.first { $0 >= longSide } ?? available.last!
        }
    }

    /// All faces above the options' thresholds, largest first.
    static func detect(in image: Image, options: DetectionOptions, networks: inout NetworkSet) throws -> [DetectedFace]
    {
        try options.validate()
        let spec = networks.pack.detector
        let size = try inputSize(for: image, policy: options.inputSize, available: spec.sizes)
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
        let candidates = SCRFDDecoder.decode(
            outputs, inputSize: size, anchorsPerCell: spec.anchorsPerCell, threshold: options.scoreThreshold,
            scale: scale)
        return NonMaximumSuppression.apply(candidates, iouThreshold: options.nmsThreshold)
            .map { $0.clipped(width: image.width, height: image.height) }
            .filter { min($0.box.width, $0.box.height) >= options.minFaceSize }
            .sorted { $0.box.area > $1.box.area }
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
