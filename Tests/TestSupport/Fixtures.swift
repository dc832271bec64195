import FaceKit
import Foundation
import Testing

/// Paths to the models and the shared test data, and the policy for when they are missing:
/// in CI (CI=true) a missing file fails the test loudly; on a developer laptop the test is skipped
/// and the reason is shown.
public enum Fixtures {
    public static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    public static let modelsDirectory = repositoryRoot.appendingPathComponent("models")
    public static let sharedData = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
    public static let lfwImages = sharedData.appendingPathComponent("lfw/images")
    public static let bundled = repositoryRoot.appendingPathComponent("Tests/FaceKitTests/Fixtures")

    public static let inCI = ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty && $0 != "false" } ?? false
    public static let modelsPresent = FileManager.default.fileExists(
        atPath: modelsDirectory.appendingPathComponent("pack.json").path)
    public static let sharedDataPresent = FileManager.default.fileExists(atPath: lfwImages.path)

    /// Run when the models are present, or always in CI (where their absence must fail).
    public static let needsModels = modelsPresent || inCI
    public static let needsModelsAndData = (modelsPresent && sharedDataPresent) || inCI

    public static func requireModels() throws {
        guard modelsPresent else {
            throw FixtureMissing("models/ is missing at \(modelsDirectory.path): run scripts/bootstrap")
        }
    }

    public static func requireSharedData() throws {
        guard sharedDataPresent else { throw FixtureMissing("../shared/data is missing at \(sharedData.path)") }
    }

    public static func bytes(_ url: URL) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw FixtureMissing("cannot read \(url.path)")
        }
        return [UInt8](data)
    }

    public static func lfw(_ relative: String) throws -> [UInt8] {
        try requireSharedData()
        return try bytes(lfwImages.appendingPathComponent(relative))
    }

    /// A recording under ../shared/data/video (d12.mp4, …).
    public static func video(_ name: String) throws -> [UInt8] {
        try requireSharedData()
        return try bytes(sharedData.appendingPathComponent("video/\(name)"))
    }

    public static func passport() throws -> [UInt8] {
        try requireSharedData()
        return try bytes(sharedData.appendingPathComponent("documents/specimen-passport-td3.jpg"))
    }

    /// One analyzer for the whole test run (networks load once per worker).
    public static func analyzer() throws -> FaceAnalyzer {
        try requireModels()
        return try shared.get()
    }

    private static let shared = Result { try FaceAnalyzer(pack: ModelPack.load(from: modelsDirectory)) }
}

public struct FixtureMissing: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
