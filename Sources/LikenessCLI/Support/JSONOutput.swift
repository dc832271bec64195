import FaceKit
import Foundation
import Workflows

/// Prints a document as compact, key-sorted JSON (the HTTP API's encoding) on one line of stdout (pipe to jq to read it).
package func printJSON<T: Encodable>(_ value: T) throws {
    print(String(decoding: try DocumentEncoding.encode(value), as: UTF8.self))
}

/// Prints one JSON line and flushes stdout at once: the line is an acknowledgement a reader can rely on.
package func printJSONLine<T: Encodable>(_ value: T) throws {
    try printJSON(value)
    fflush(nil)  // all output streams; `stdout` itself is a global Swift 6 will not touch
}

/// `[minX, minY, maxX, maxY]` as the one-line summary the text output prints.
package func boxSummary(_ box: [Double]) -> String {
    String(format: "[%.0f, %.0f, %.0f, %.0f]", box[0], box[1], box[2], box[3])
}

extension BoundingBox {
    package var summary: String { String(format: "[%.0f, %.0f, %.0f, %.0f]", minX, minY, maxX, maxY) }
}
