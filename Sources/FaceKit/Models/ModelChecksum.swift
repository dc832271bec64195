import Crypto
import Foundation
import Tokens

/// SHA-256 verification of model files, so a corrupted or swapped file never loads silently.
enum ModelChecksum {
    static func sha256(of url: URL) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw FaceKitError(.modelUnavailable, "model file \(url.path) is missing (run scripts/bootstrap)")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
        }
        return Hex.string(hasher.finalize())
    }

    static func verify(_ url: URL, sha256 expected: String) throws {
        let actual = try sha256(of: url)
        guard actual == expected.lowercased() else {
            throw FaceKitError(
                .modelUnavailable, "model file \(url.lastPathComponent) has SHA-256 \(actual), expected \(expected)")
        }
    }
}
