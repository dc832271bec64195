@testable import FaceKit

/// libFuzzer entry: the container check by magic bytes that runs before FFmpeg sees an upload.
///
/// Any answer (a container or nil) is fine; a trap, an out-of-bounds read or a hang is the finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = [UInt8](UnsafeRawBufferPointer(start: start, count: count))
    _ = VideoContainer.sniff(bytes)
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

@_cdecl("VideoContainerFuzzer_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return runDriver(&argc, &argv, fuzz)
}
