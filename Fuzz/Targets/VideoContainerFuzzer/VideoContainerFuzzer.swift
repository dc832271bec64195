import FuzzDriver
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

// SwiftPM's entry for this executable (see FuzzDriver).
@_cdecl("VideoContainerFuzzer_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}
