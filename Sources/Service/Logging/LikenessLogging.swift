import Logging
import Synchronization

/// Installs the process's log handler, exactly once.
///
/// swift-log allows one `LoggingSystem.bootstrap` per process (a second one traps), so every
/// entry point goes through here and only the first call takes effect.
public enum LikenessLogging {
    private static let installed = Atomic<Bool>(false)

    /// Every logger writes lines of `format` at `level` and above to stderr. Returns false when a
    /// handler was already installed (the earlier choice stands).
    @discardableResult
    public static func bootstrap(level: Logger.Level, format: LogFormat) -> Bool {
        install { label in LineLogHandler(label: label, level: level, format: format) }
    }

    /// Every logger discards its lines: CLI commands run without `--verbose`, whose output is
    /// for scripts.
    @discardableResult
    public static func bootstrapSilent() -> Bool {
        install { _ in SwiftLogNoOpLogHandler() }
    }

    private static func install(_ factory: @escaping @Sendable (String) -> any LogHandler) -> Bool {
        guard installed.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
        else { return false }
        LoggingSystem.bootstrap(factory)
        return true
    }
}
