import Foundation

/// Finds the model pack directory: `--models`, then `$LIKENESS_MODELS`, then `./models`, then a
/// `models` folder above the executable (the checkout it was built in).
package enum ModelLocator {
    package static func directory(explicit: String?) -> URL {
        if let explicit { return URL(fileURLWithPath: explicit) }
        if let fromEnvironment = ProcessInfo.processInfo.environment["LIKENESS_MODELS"], !fromEnvironment.isEmpty {
            return URL(fileURLWithPath: fromEnvironment)
        }
        let local = URL(fileURLWithPath: "models")
        if FileManager.default.fileExists(atPath: local.appendingPathComponent("pack.json").path) { return local }
        var candidate = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        for _ in 0..<6 {
            let models = candidate.appendingPathComponent("models")
            if FileManager.default.fileExists(atPath: models.appendingPathComponent("pack.json").path) { return models }
            candidate = candidate.deletingLastPathComponent()
        }
        return local
    }
}
