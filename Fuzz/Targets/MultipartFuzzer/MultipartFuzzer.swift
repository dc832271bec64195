import Foundation

import FuzzDriver
@testable import Service

/// libFuzzer entry: the strict `multipart/form-data` parser and the boundary parameter.
///
/// The input's first line (up to a `\n`, at most 100 bytes) is the Content-Type parameter text after
/// `boundary=`, so the fuzzer varies quoting and length as well as the body; the rest is the body,
/// passed as a slice (its indices do not start at 0) to catch index arithmetic that assumes they do.
/// Every malformed shape must throw; a trap, an out-of-bounds read or a hang is the finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let input = Data(UnsafeRawBufferPointer(start: start, count: count))
    let newline = input.prefix(100).firstIndex(of: UInt8(ascii: "\n"))
    let boundaryText = String(decoding: input[..<(newline ?? 0)], as: UTF8.self)
    let body = input[(newline.map { $0 + 1 } ?? 0)...]
    let contentType = "multipart/form-data; boundary=\(boundaryText)"
    let boundary = ImageRequest.boundary(in: contentType) ?? "fuzz"
    guard let parts = try? MultipartForm.parts(of: body, boundary: boundary) else { return 0 }
    precondition(!parts.isEmpty && parts.count <= MultipartForm.maxParts, "\(parts.count) parts")
    for part in parts {
        if let disposition = part.headers["content-disposition"] {
            _ = ImageRequest.parameter("name", in: disposition)
            _ = ImageRequest.parameter("filename", in: disposition)
        }
    }
    return 0
}

// SwiftPM's entry for this executable (see FuzzDriver).
@_cdecl("MultipartFuzzer_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}
