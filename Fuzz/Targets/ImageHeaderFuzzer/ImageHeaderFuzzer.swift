import FuzzDriver
@testable import FaceKit

/// libFuzzer entry: the container header reader on arbitrary bytes.
///
/// Any input may throw `unsupported_format` or `image_unreadable`; a trap, an out-of-bounds read
/// or a hang is the finding. A header that parses must name a positive size.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = [UInt8](UnsafeRawBufferPointer(start: start, count: count))
    if let header = try? ImageHeader.read(bytes) {
        precondition(header.width > 0 && header.height > 0, "a parsed header has a non-positive size")
        precondition((1...8).contains(header.orientation), "orientation \(header.orientation) is outside 1...8")
    }
    _ = Image.format(of: bytes)
    return 0
}

// SwiftPM's entry for this executable (see FuzzDriver).
@_cdecl("ImageHeaderFuzzer_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}
