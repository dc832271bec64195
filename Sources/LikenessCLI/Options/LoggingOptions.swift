import ArgumentParser
import Foundation
import Logging
import Service
import Workflows

/// How a command logs: `serve` always logs, every other command only with `--verbose`.
///
/// Logs go to stderr; stdout stays the command's output, for scripts.
struct LoggingOptions: ParsableArguments {
    @Flag(help: "Log what the command does (the gallery's store, for one) to stderr.")
    var verbose = false

    @Option(
        help: ArgumentHelp(
            "Lowest level logged: trace, debug, info, notice, warning, error or critical (default: $LIKENESS_LOG_LEVEL, else info).",
            valueName: "level"))
    var logLevel: Logger.Level?

    @Option(
        help: ArgumentHelp(
            "text, or json for one JSON object a line (default: $LIKENESS_LOG_FORMAT, else text).",
            valueName: "format"))
    var logFormat: LogFormat?

    /// The level and format from the flags, then the environment, then the defaults.
    func resolved(environment: [String: String]) throws -> (level: Logger.Level, format: LogFormat) {
        func fromEnvironment<T: RawRepresentable>(_ name: String, _: T.Type) throws -> T? where T.RawValue == String {
            guard let text = environment[name], !text.isEmpty else { return nil }
            guard let value = T(rawValue: text.lowercased()) else {
                throw CLIError(code: .invalidConfig, message: "\(name)=\(text) is not valid")
            }
            return value
        }
        let level = try logLevel ?? fromEnvironment("LIKENESS_LOG_LEVEL", Logger.Level.self) ?? .info
        let format = try logFormat ?? fromEnvironment("LIKENESS_LOG_FORMAT", LogFormat.self) ?? .text
        return (level, format)
    }

    /// Installs the process's log handler: lines to stderr when `always` (serve) or `--verbose`,
    /// none otherwise. The first call in a process decides; later ones do nothing.
    func bootstrap(always: Bool = false, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard always || verbose else {
            LikenessLogging.bootstrapSilent()
            return
        }
        let (level, format) = try resolved(environment: environment)
        LikenessLogging.bootstrap(level: level, format: format)
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
extension LogFormat: ExpressibleByArgument {}
