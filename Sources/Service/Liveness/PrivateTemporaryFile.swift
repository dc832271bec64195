import Foundation
import Workflows

/// A recording written where only this process can read it, removed after analysis: OpenCV
/// decodes video only from a path, and no recording is kept.
struct PrivateTemporaryFile {
    let directory: URL
    let path: String

    init(bytes: [UInt8]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("likeness-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(
                at: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            path = directory.appendingPathComponent("recording").path
            guard
                FileManager.default.createFile(
                    atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o600])
            else { throw CocoaError(.fileWriteUnknown) }
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw Problem(.internalServerError, code: .internalError, detail: "the recording could not be staged")
        }
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}
