import Foundation

import FuzzDriver
@testable import Service

/// The image fields of the routes that take them (detect, verify, enrol).
private let imageFields: Set<String> = ["image", "images", "first", "second"]

/// libFuzzer entry: the JSON body reader (`JSONBody.jsonObject`, then `ImageRequest.fromJSON` with
/// its strict base64 for image fields). Bad input must throw `validation_failed`; a trap, an
/// out-of-bounds read or a hang is the finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(UnsafeRawBufferPointer(start: start, count: count))
    _ = try? JSONBody.jsonObject(data)
    _ = try? ImageRequest.fromJSON(data, imageFields: imageFields)
    return 0
}

// SwiftPM's entry for this executable (see FuzzDriver).
@_cdecl("JSONBodyFuzzer_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}
