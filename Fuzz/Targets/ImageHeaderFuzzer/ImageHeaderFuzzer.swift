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

// SwiftPM links an executable target with `main` pointing at `<Target>_main` (so tests can import it);
// that entry hands control to libFuzzer's driver, which is what libFuzzer's own `main` would do.
@_silgen_name("LLVMFuzzerRunDriver")
private func runDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ body: @convention(c) (UnsafeRawPointer, Int) -> CInt
) -> CInt

@_cdecl("ImageHeaderFuzzer_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return runDriver(&argc, &argv, fuzz)
}
