import Foundation

/// Splits a `multipart/form-data` body (RFC 7578) into parts, strictly.
///
/// Written here rather than taken from a library because a body is attacker-controlled input:
/// every malformed shape (no delimiter, no closing delimiter, a header without a colon, bytes
/// outside ASCII in a header) must become `validation_failed`, never a trap.
enum MultipartForm {
    struct Part {
        /// Header names lower-cased.
        var headers: [String: String]
        var body: [UInt8]
    }

    static let maxParts = 1_000
    static let maxHeaderBytes = 8_192

    static func parts(of body: Data, boundary: String) throws -> [Part] {
        let delimiter = Data("--\(boundary)".utf8)
        let separator = Data("\r\n".utf8) + delimiter
        guard let first = body.range(of: delimiter),
            first.lowerBound == body.startIndex || isAfterLineBreak(first, in: body)
        else { throw malformed("the multipart body has no opening delimiter") }
        var parts: [Part] = []
        var cursor = first.upperBound
        while true {
            // After a delimiter: "--" closes the body, otherwise a line break opens a part.
            if body[cursor...].starts(with: Data("--".utf8)) { break }
            cursor = skipTransportPadding(body, from: cursor)
            guard body[cursor...].starts(with: Data("\r\n".utf8)) else {
                throw malformed(
                    cursor >= body.endIndex ? "the multipart body is truncated" : "a delimiter line is malformed")
            }
            cursor += 2
            guard let next = body.range(of: separator, in: cursor..<body.endIndex) else {
                throw malformed("the multipart body is truncated")
            }
            parts.append(try part(body[cursor..<next.lowerBound]))
            guard parts.count <= maxParts else { throw malformed("the multipart body has more than \(maxParts) parts") }
            cursor = next.upperBound
        }
        guard !parts.isEmpty else { throw malformed("the multipart body has no parts") }
        return parts
    }

    private static func part(_ bytes: Data) throws -> Part {
        let blank = Data("\r\n\r\n".utf8)
        let headerEnd: Range<Data.Index>
        if bytes.starts(with: Data("\r\n".utf8)) {
            headerEnd = bytes.startIndex..<(bytes.startIndex + 2)  // no headers at all
        } else if let end = bytes.range(of: blank) {
            headerEnd = end
        } else {
            throw malformed("a part has no blank line after its headers")
        }
        let headerBytes = bytes[bytes.startIndex..<headerEnd.lowerBound]
        guard headerBytes.count <= maxHeaderBytes, headerBytes.allSatisfy({ $0 < 0x80 }) else {
            throw malformed("part headers must be ASCII and at most \(maxHeaderBytes) bytes")
        }
        var headers: [String: String] = [:]
        for line in String(decoding: headerBytes, as: UTF8.self).components(separatedBy: "\r\n") where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { throw malformed("a part header has no colon") }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
                throw malformed("a part header name is malformed")
            }
            headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Part(headers: headers, body: [UInt8](bytes[headerEnd.upperBound...]))
    }

    private static func isAfterLineBreak(_ range: Range<Data.Index>, in body: Data) -> Bool {
        range.lowerBound >= body.startIndex + 2 && body[(range.lowerBound - 2)..<range.lowerBound] == Data("\r\n".utf8)
    }

    /// RFC 2046 allows spaces and tabs after a delimiter.
    private static func skipTransportPadding(_ body: Data, from start: Data.Index) -> Data.Index {
        var index = start
        while index < body.endIndex, body[index] == 0x20 || body[index] == 0x09 { index += 1 }
        return index
    }

    private static func malformed(_ detail: String) -> Problem {
        Problem(.badRequest, code: .validationFailed, detail: detail)
    }
}
