import Foundation
import Workflows

/// Reads the top-level JSON object of an image request in one pass over its bytes, decoding each
/// base64 image straight into bytes.
///
/// `JSONDecoder` would first build a `String` of every image (an 18 MB body: tens of MB of
/// strings and seconds of CPU), then base64 would copy it again; here an image costs one read of
/// its characters and one array of its bytes. Values of the other fields are small and are handed
/// to `JSONSerialization` one at a time, so their grammar is Foundation's.
struct JSONImageScanner {
    private let bytes: UnsafeRawBufferPointer
    private var index = 0

    private init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// The fields of `data`, a JSON object; `imageFields` hold base64 strings (or arrays of them).
    static func fields(of data: Data, imageFields: Set<String>) throws -> [String: [ImageRequest.Value]] {
        guard !data.isEmpty else { throw invalid("the body is empty") }
        return try data.withUnsafeBytes { raw in
            var scanner = JSONImageScanner(raw)
            return try scanner.object(imageFields: imageFields)
        }
    }

    private static func invalid(_ detail: String) -> Problem {
        Problem(.badRequest, code: .validationFailed, detail: detail)
    }

    private static let notAnObject = invalid("the body is not a JSON object")

    // MARK: Structure

    private mutating func object(imageFields: Set<String>) throws -> [String: [ImageRequest.Value]] {
        skipWhitespace()
        guard peek == UInt8(ascii: "{") else { throw Self.notAnObject }
        index += 1
        var fields: [String: [ImageRequest.Value]] = [:]
        skipWhitespace()
        if peek == UInt8(ascii: "}") {
            index += 1
        } else {
            while true {
                skipWhitespace()
                guard peek == UInt8(ascii: "\"") else { throw Self.notAnObject }
                let key = try fragment(from: index, to: try stringEnd()) as? String ?? ""
                skipWhitespace()
                guard peek == UInt8(ascii: ":") else { throw Self.notAnObject }
                index += 1
                skipWhitespace()
                fields[key] = imageFields.contains(key) ? try images(field: key) : try value(field: key)
                skipWhitespace()
                if peek == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                guard peek == UInt8(ascii: "}") else { throw Self.notAnObject }
                index += 1
                break
            }
        }
        skipWhitespace()
        guard index == bytes.count else { throw Self.notAnObject }
        return fields
    }

    /// One base64 string, or an array of them.
    private mutating func images(field: String) throws -> [ImageRequest.Value] {
        let wrongType = Self.invalid("\(field) must be base64 image data")
        if peek == UInt8(ascii: "\"") { return [.bytes(try base64(field: field))] }
        guard peek == UInt8(ascii: "[") else {
            _ = try valueEnd()  // still valid JSON, or the body is not an object
            throw wrongType
        }
        index += 1
        var images: [ImageRequest.Value] = []
        skipWhitespace()
        if peek == UInt8(ascii: "]") {
            index += 1
            return images
        }
        while true {
            skipWhitespace()
            guard peek == UInt8(ascii: "\"") else { throw wrongType }
            images.append(.bytes(try base64(field: field)))
            skipWhitespace()
            if peek == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard peek == UInt8(ascii: "]") else { throw Self.notAnObject }
            index += 1
            return images
        }
    }

    /// A field that is not an image: a string, number, boolean or null.
    private mutating func value(field: String) throws -> [ImageRequest.Value] {
        let start = index
        let first = peek
        let end = try valueEnd()
        if first == UInt8(ascii: "[") || first == UInt8(ascii: "{") {
            throw Self.invalid("\(field) has the wrong type")
        }
        let parsed = try fragment(from: start, to: end)
        if first == UInt8(ascii: "n") { return [] }
        if first == UInt8(ascii: "t") { return [.bool(true)] }
        if first == UInt8(ascii: "f") { return [.bool(false)] }
        if let text = parsed as? String { return [.text(text)] }
        if let number = parsed as? NSNumber { return [.number(number.doubleValue)] }
        throw Self.invalid("\(field) has the wrong type")
    }

    /// Parses the bytes start..<end as one JSON value with Foundation.
    private func fragment(from start: Int, to end: Int) throws -> Any {
        let slice = Data(bytes: bytes.baseAddress! + start, count: end - start)
        guard let value = try? JSONSerialization.jsonObject(with: slice, options: [.fragmentsAllowed]) else {
            throw Self.notAnObject
        }
        return value
    }

    // MARK: Extents

    private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while let byte = peek, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }

    /// Moves past the string starting at `index` (its opening quote) and returns the index after it.
    private mutating func stringEnd() throws -> Int {
        index += 1
        while let byte = peek {
            index += 1
            if byte == UInt8(ascii: "\"") { return index }
            if byte == UInt8(ascii: "\\") { index += 1 }
        }
        throw Self.notAnObject
    }

    /// Moves past the value starting at `index` and returns the index after it. Nesting is
    /// counted, not recursed into, so a deeply nested body cannot exhaust the stack.
    private mutating func valueEnd() throws -> Int {
        var depth = 0
        while let byte = peek {
            switch byte {
            case UInt8(ascii: "\""): _ = try stringEnd()
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                index += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                guard depth > 0 else { return index }
                depth -= 1
                index += 1
            case UInt8(ascii: ","):
                if depth == 0 { return index }
                index += 1
            case 0x20, 0x0A, 0x0D, 0x09:
                if depth == 0 { return index }
                index += 1
            default: index += 1
            }
            if depth == 0, index > 0,
                bytes[index - 1] == UInt8(ascii: "\"") || bytes[index - 1] == UInt8(ascii: "]")
                    || bytes[index - 1] == UInt8(ascii: "}")
            {
                return index
            }
        }
        guard depth == 0 else { throw Self.notAnObject }
        return index
    }

    // MARK: Base64

    private static let alphabet: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (value, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(byte)] = Int8(value)
        }
        table[Int(UInt8(ascii: "-"))] = 62  // the URL alphabet
        table[Int(UInt8(ascii: "_"))] = 63
        return table
    }()

    /// Decodes the JSON string at `index` as strict base64 (standard or URL alphabet, optional
    /// `data:…,` prefix, whitespace ignored, padding optional but only at the end).
    private mutating func base64(field: String) throws -> [UInt8] {
        let notBase64 = Self.invalid("\(field) is not base64 image data")
        index += 1  // the opening quote
        if bytes.count - index >= 5, bytes[index] == UInt8(ascii: "d"), bytes[index + 1] == UInt8(ascii: "a"),
            bytes[index + 2] == UInt8(ascii: "t"), bytes[index + 3] == UInt8(ascii: "a"),
            bytes[index + 4] == UInt8(ascii: ":")
        {
            var comma = index
            while comma < bytes.count, bytes[comma] != UInt8(ascii: ","), bytes[comma] != UInt8(ascii: "\"") {
                comma += 1
            }
            if comma < bytes.count, bytes[comma] == UInt8(ascii: ",") { index = comma + 1 }
        }
        var out: [UInt8] = []
        out.reserveCapacity(max(0, (bytes.count - index) / 4 * 3))
        var quad: UInt32 = 0
        var filled = 0
        var padding = 0
        while true {
            guard var byte = peek else { throw Self.notAnObject }
            index += 1
            if byte == UInt8(ascii: "\"") { break }
            if byte < 0x20 { throw Self.notAnObject }  // raw control characters are not JSON
            if byte == UInt8(ascii: "\\") {
                guard let escaped = peek else { throw Self.notAnObject }
                index += 1
                switch escaped {
                case UInt8(ascii: "/"): byte = escaped
                case UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"): continue
                case UInt8(ascii: "u"):
                    guard index + 4 <= bytes.count,
                        let code = UInt32(
                            String(decoding: UnsafeRawBufferPointer(rebasing: bytes[index..<index + 4]), as: UTF8.self),
                            radix: 16)
                    else { throw Self.notAnObject }
                    index += 4
                    guard code < 0x80 else { throw notBase64 }
                    byte = UInt8(code)
                    if byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { continue }
                default: throw notBase64
                }
            }
            if byte == 0x20 { continue }
            if byte == UInt8(ascii: "=") {
                padding += 1
                guard padding <= 2 else { throw notBase64 }
                continue
            }
            let value = Self.alphabet[Int(byte)]
            guard value >= 0, padding == 0 else { throw notBase64 }
            quad = quad << 6 | UInt32(value)
            filled += 1
            if filled == 4 {
                out.append(UInt8(truncatingIfNeeded: quad >> 16))
                out.append(UInt8(truncatingIfNeeded: quad >> 8))
                out.append(UInt8(truncatingIfNeeded: quad))
                quad = 0
                filled = 0
            }
        }
        switch filled {
        case 0: guard padding == 0 else { throw notBase64 }
        case 2:
            guard padding == 0 || padding == 2 else { throw notBase64 }
            out.append(UInt8(truncatingIfNeeded: quad >> 4))
        case 3:
            guard padding <= 1 else { throw notBase64 }
            out.append(UInt8(truncatingIfNeeded: quad >> 10))
            out.append(UInt8(truncatingIfNeeded: quad >> 2))
        default: throw notBase64
        }
        guard !out.isEmpty else { throw notBase64 }
        return out
    }
}
