import Foundation
import Logging

/// One log event rendered as a single line of text or JSON (no trailing newline).
///
/// Newlines inside a message or a value are escaped, so one event is always one line and a
/// collector never splits it.
public enum LogLine {
    /// The event as `time level label: message key=value …`, metadata sorted by key.
    public static func text(
        time: Date, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata
    ) -> String {
        var line = "\(timestamp(time)) \(level.rawValue) \(label): \(escapedText(message))"
        for key in metadata.keys.sorted() {
            line += " \(key)=\(textValue(metadata[key]!))"
        }
        return line
    }

    /// The event as one JSON object: `time`, `level`, `label`, `message`, `metadata`, in that order.
    public static func json(
        time: Date, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata
    ) -> String {
        var line = "{\"time\":\(jsonString(timestamp(time))),\"level\":\(jsonString(level.rawValue))"
        line += ",\"label\":\(jsonString(label)),\"message\":\(jsonString(message))"
        line += ",\"metadata\":\(jsonValue(.dictionary(metadata)))}"
        return line
    }

    /// RFC 3339 in UTC with milliseconds, e.g. `2026-12-01T21:33:07.123Z`.
    static func timestamp(_ time: Date) -> String {
        time.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    static func textValue(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let text): return quotedIfNeeded(text)
        case .stringConvertible(let convertible): return quotedIfNeeded(convertible.description)
        case .array(let values): return "[" + values.map(textValue).joined(separator: ",") + "]"
        case .dictionary(let values):
            return "{" + values.keys.sorted().map { "\($0)=\(textValue(values[$0]!))" }.joined(separator: ",") + "}"
        }
    }

    /// A value with spaces, quotes or `=` is quoted, so `key=value` pairs stay unambiguous.
    static func quotedIfNeeded(_ text: String) -> String {
        let plain = !text.isEmpty && !text.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline })
        return plain ? text : jsonString(text)
    }

    static func escapedText(_ text: String) -> String {
        text.contains(where: \.isNewline)
            ? text.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n") : text
    }

    static func jsonValue(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let text): return jsonString(text)
        case .stringConvertible(let convertible): return jsonString(convertible.description)
        case .array(let values): return "[" + values.map(jsonValue).joined(separator: ",") + "]"
        case .dictionary(let values):
            return "{"
                + values.keys.sorted().map { "\(jsonString($0)):\(jsonValue(values[$0]!))" }.joined(separator: ",")
                + "}"
        }
    }

    /// A JSON string literal; control characters are escaped, so the object stays on one line.
    static func jsonString(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
