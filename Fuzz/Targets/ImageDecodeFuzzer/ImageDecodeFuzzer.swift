import FaceKit
import FuzzDriver

/// Small limits, so a header that honestly asks for many pixels is a refusal and not an OOM finding.
private let limits = ImageLimits(maxBytes: 1_000_000, maxPixels: 4_000_000, minSide: 1)

/// libFuzzer entry: `Image.decode` (header check, then OpenCV's `imdecode` through the C++ shim) and
/// `Image.decodedFootprint` (what admission reserves), then, for small images, redaction and
/// re-encoding with regions taken from the input's last bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = [UInt8](UnsafeRawBufferPointer(start: start, count: count))
    let footprint = Image.decodedFootprint(of: bytes, limits: limits)
    guard let image = try? Image.decode(bytes, limits: limits) else { return 0 }
    precondition(image.width > 0 && image.height > 0, "a decoded image has no pixels")
    precondition(image.width * image.height <= limits.maxPixels, "the decoded image is over the pixel limit")
    // Admission reserves the footprint read from the header; a decoder that makes more pixels than
    // the header promised would get past the budget.
    precondition(
        image.width * image.height * 3 <= footprint,
        "decoded \(image.width)x\(image.height), but the header's footprint is \(footprint) bytes")
    // Redaction and encoding cost grows with the pixels: only small images, so the run stays fast.
    guard image.width * image.height <= 256 * 256 else { return 0 }
    let tail = bytes.suffix(8).map { Double(Int8(bitPattern: $0)) * 4 }  // -512...508: off-image boxes too
    let box =
        tail.count == 8
        ? BoundingBox(minX: tail[0], minY: tail[1], maxX: tail[2] + tail[4], maxY: tail[3] + tail[5])
        : BoundingBox(minX: 0, minY: 0, maxX: Double(image.width), maxY: Double(image.height))
    let style = RedactionStyle.allCases[Int(bytes[0]) % RedactionStyle.allCases.count]
    let cells = tail.count == 8 ? Int(bytes[bytes.count - 1] % 9) : 4  // 0 must be refused, not trap
    if let redacted = try? image.redacted([box], style: style, cells: cells) {
        precondition(redacted.width == image.width && redacted.height == image.height, "redaction changed the size")
        let format: ImageFormat = bytes[0] & 1 == 0 ? .png : .jpeg
        _ = try? redacted.encoded(as: format)
    }
    return 0
}

// SwiftPM's entry for this executable (see FuzzDriver).
@_cdecl("ImageDecodeFuzzer_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}
