import ArgumentParser
import FaceKit
import Foundation
import Workflows

/// Choosing quality profiles: the built-in ones, or others from a JSON file.
package struct QualityOptions: ParsableArguments {
    package init() {}

    @Option(help: "A JSON file with an array of quality profiles that replace or add to the built-in ones.")
    package var profiles: String?

    /// The profile called `name`.
    package func profile(named name: String) throws -> QualityProfile {
        var available = QualityProfile.builtIn
        if let profiles {
            guard let data = FileManager.default.contents(atPath: profiles) else {
                throw CLIError(code: .fileNotFound, message: "cannot read \(profiles)")
            }
            do {
                for profile in try JSONDecoder().decode([QualityProfile].self, from: data) {
                    available[profile.name] = profile
                }
            } catch {
                throw CLIError(code: .invalidProfile, message: "\(profiles): \(error)")
            }
        }
        guard let profile = available[name] else {
            throw CLIError(
                code: "invalid_profile",
                message: "no quality profile \(name); available: \(available.keys.sorted().joined(separator: ", "))")
        }
        return profile
    }
}
