import Foundation
import Logging

/// A swift-log handler that writes each event as one line of text or JSON, to stderr by default.
public struct LineLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    let label: String
    let format: LogFormat
    let write: @Sendable (String) -> Void

    /// A handler for `label`'s logger; `write` receives each line without its newline.
    public init(
        label: String, level: Logger.Level = .info, format: LogFormat = .text,
        metadataProvider: Logger.MetadataProvider? = nil,
        write: @escaping @Sendable (String) -> Void = LineLogHandler.standardError
    ) {
        self.label = label
        self.logLevel = level
        self.format = format
        self.metadataProvider = metadataProvider
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let own = event.metadata { merged.merge(own) { _, new in new } }
        if let error = event.error, merged["error.type"] == nil {
            merged["error.type"] = .string(String(reflecting: type(of: error)))
        }
        let render = format == .json ? LogLine.json : LogLine.text
        write(render(Date(), event.level, label, event.message.description, merged))
    }

    /// Writes `line` and a newline to stderr in one `write(2)`, so lines from concurrent requests
    /// never interleave.
    @Sendable public static func standardError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
