import HTTPTypes
import Hummingbird

extension HTTPField.Name {
    /// `X-Request-Id`: the id that names a request in the log and in its response.
    static let requestID = HTTPField.Name("X-Request-Id")!
}

/// Which incoming `X-Request-Id` values are kept.
///
/// A caller's id lets a trace span a proxy and this service, but it lands in every log line, so
/// only a short token of safe characters is kept; anything else is replaced by a fresh id.
enum RequestIdentifier {
    static let maxLength = 64

    /// The incoming id if it is 1–64 characters of letters, digits, `-`, `_`, `.` or `:`.
    static func accepted(_ value: String?) -> String? {
        guard let value, (1...maxLength).contains(value.utf8.count) else { return nil }
        let allowed = value.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: ":"):
                true
            default: false
            }
        }
        return allowed ? value : nil
    }
}
