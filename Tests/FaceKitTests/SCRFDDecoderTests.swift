import Testing

@testable import FaceKit

@Suite("SCRFD decoding and non-maximum suppression")
struct SCRFDDecoderTests {
    /// Outputs for a 32×32 input: strides 8, 16, 32 give 4×4, 2×2 and 1×1 cells, two anchors each.
    func emptyOutputs() -> [SCRFDStrideOutput] {
        [8, 16, 32].map { stride in
            let anchors = (32 / stride) * (32 / stride) * 2
            return SCRFDStrideOutput(
                stride: stride, scores: [Float](repeating: 0.01, count: anchors),
                boxes: [Float](repeating: 1, count: anchors * 4), keypoints: [Float](repeating: 0, count: anchors * 10))
        }
    }

    @Test("an anchor above the threshold decodes to a box and keypoints around its cell centre")
    func decodesOneAnchor() {
        var outputs = emptyOutputs()
        // Stride 8, cell (x 2, y 1) → index 1*4+2 = 6, second anchor → 13. Centre (16, 8).
        let anchor = 13
        outputs[0].scores[anchor] = 0.9
        outputs[0].boxes.replaceSubrange(anchor * 4..<anchor * 4 + 4, with: [1, 0.5, 2, 1.5])
        outputs[0].keypoints.replaceSubrange(
            anchor * 10..<anchor * 10 + 10, with: [-1, 0, 1, 0, 0, 0.5, -0.5, 1, 0.5, 1])

        let faces = SCRFDDecoder.decode(outputs, inputSize: 32, anchorsPerCell: 2, threshold: 0.5, scale: 0.5)
        #expect(faces.count == 1)
        let face = faces[0]
        // Network coordinates: box (16-8, 8-4, 16+16, 8+12) = (8, 4, 32, 20); divided by the scale 0.5.
        #expect(face.box == BoundingBox(minX: 16, minY: 8, maxX: 64, maxY: 40))
        #expect(abs(face.score - 0.9) < 1e-6)
        let expected = [(8.0, 8.0), (24.0, 8.0), (16.0, 12.0), (12.0, 16.0), (20.0, 16.0)].map {
            Point(x: $0.0 * 2, y: $0.1 * 2)
        }
        #expect(face.keypoints == expected)
    }

    @Test("anchors below the threshold are ignored, and the stride-32 anchor maps to the origin cell")
    func thresholdAndLastStride() {
        var outputs = emptyOutputs()
        outputs[2].scores[1] = 0.7
        outputs[1].scores[3] = 0.49
        let faces = SCRFDDecoder.decode(outputs, inputSize: 32, anchorsPerCell: 2, threshold: 0.5, scale: 1)
        #expect(faces.count == 1)
        #expect(faces[0].box == BoundingBox(minX: -32, minY: -32, maxX: 32, maxY: 32))
    }

    @Test("truncated tensors are skipped instead of read out of bounds")
    func shortTensors() {
        var outputs = emptyOutputs()
        outputs[0].scores = [0.9]
        let faces = SCRFDDecoder.decode(outputs, inputSize: 32, anchorsPerCell: 2, threshold: 0.5, scale: 1)
        #expect(faces.isEmpty)
    }

    func face(_ x: Double, _ y: Double, _ side: Double, score: Double) -> DetectedFace {
        DetectedFace(
            box: BoundingBox(minX: x, minY: y, maxX: x + side, maxY: y + side), score: score,
            keypoints: Array(repeating: Point(x: x, y: y), count: 5))
    }

    @Test("NMS keeps the best of overlapping boxes and every separate one, best score first")
    func nonMaximumSuppression() {
        let faces = [
            face(0, 0, 10, score: 0.6), face(1, 1, 10, score: 0.9), face(50, 50, 10, score: 0.7),
            face(6, 6, 10, score: 0.8),
        ]
        let kept = NonMaximumSuppression.apply(faces, iouThreshold: 0.4)
        // (1,1) suppresses (0,0) (IoU 0.68); (6,6) overlaps (1,1) by 25/175 = 0.14 and survives.
        #expect(kept.map(\.score) == [0.9, 0.8, 0.7])
    }

    @Test("intersection over union of known boxes")
    func iou() {
        let a = BoundingBox(minX: 0, minY: 0, maxX: 10, maxY: 10)
        let b = BoundingBox(minX: 5, minY: 0, maxX: 15, maxY: 10)
        #expect(abs(a.intersectionOverUnion(with: b) - 50.0 / 150.0) < 1e-12)
        #expect(a.intersectionOverUnion(with: BoundingBox(minX: 20, minY: 20, maxX: 30, maxY: 30)) == 0)
        #expect(a.intersectionOverUnion(with: a) == 1)
    }

    @Test("face selection: largest, centred, strict and empty")
    func selection() throws {
        let big = face(0, 0, 100, score: 0.9)
        let centred = face(170, 170, 60, score: 0.8)
        let tiny = face(300, 300, 10, score: 0.8)
        #expect(try FaceSelection.largest.pick(from: [centred, big], imageWidth: 400, imageHeight: 400) == big)
        #expect(try FaceSelection.centered.pick(from: [big, centred], imageWidth: 400, imageHeight: 400) == centred)
        #expect(
            try FaceSelection.largest.pick(from: [big, tiny], imageWidth: 400, imageHeight: 400, strict: true) == big)
        #expect(throws: FaceKitError(.multipleFaces, "2 large faces were found; exactly one is required")) {
            try FaceSelection.largest.pick(from: [big, centred], imageWidth: 400, imageHeight: 400, strict: true)
        }
        let error = #expect(throws: FaceKitError.self) {
            try FaceSelection.largest.pick(from: [], imageWidth: 400, imageHeight: 400)
        }
        #expect(error?.code == .noFace)
    }
}
