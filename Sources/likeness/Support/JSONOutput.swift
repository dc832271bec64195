import FaceKit
import Foundation

/// Prints an encodable value as compact, key-sorted JSON on one line of stdout (pipe to jq to read it).
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// Prints one JSON line and flushes stdout at once: the line is an acknowledgement a reader can rely on.
func printJSONLine<T: Encodable>(_ value: T) throws {
    try printJSON(value)
    fflush(nil)  // all output streams; `stdout` itself is a global Swift 6 will not touch
}

/// A face as the CLI reports it.
struct FaceReport: Encodable {
    var box: [Double]
    var score: Double
    var keypoints: [[Double]]

    init(_ face: DetectedFace) {
        box = [face.box.minX, face.box.minY, face.box.maxX, face.box.maxY].map(rounded)
        score = (face.score * 10_000).rounded() / 10_000
        keypoints = face.keypoints.map { [rounded($0.x), rounded($0.y)] }
    }
}

func rounded(_ value: Double) -> Double { (value * 10).rounded() / 10 }

extension BoundingBox {
    var summary: String { String(format: "[%.0f, %.0f, %.0f, %.0f]", minX, minY, maxX, maxY) }
}
