import Foundation

/// How every result document is written: snake_case keys as declared, sorted, slashes unescaped,
/// dates as ISO 8601. The CLI's `--json` and the HTTP API share it, so one question gets one
/// document, byte for byte.
public enum DocumentEncoding {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    public static func encode<T: Encodable>(_ value: T) throws -> Data { try encoder().encode(value) }
}
