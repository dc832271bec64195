import Foundation
import Workflows

/// What `likeness cluster` remembers between runs, keyed by file content (SHA-256).
///
/// Holds face boxes, embeddings and thumbnails, so it is biometric data: written with mode 0600,
/// never uploaded anywhere, and `--no-cache` runs without it.
struct ClusterCache: Codable {
    struct Face: Codable {
        var box: [Double]
        var score: Double
        /// Float32 little-endian, base64.
        var embedding: String
        var quality: Double?
        /// 64×64 JPEG, base64.
        var thumbnail: String

        var vector: [Float] {
            guard let data = Data(base64Encoded: embedding) else { return [] }
            return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        }

        static func encode(_ vector: [Float]) -> String {
            vector.withUnsafeBufferPointer { Data(buffer: $0) }.base64EncodedString()
        }
    }

    struct File: Codable {
        var faces: [Face]
    }

    var pack: String
    var files: [String: File] = [:]
    /// Face key (`sha256#index`) → group id of the last run.
    var groups: [String: Int] = [:]
    var nextGroup = 1

    enum CodingKeys: String, CodingKey {
        case pack, files, groups
        case nextGroup = "next_group"
    }

    /// The cache at `url`, or an empty one when it is missing, unreadable or for another pack.
    static func load(_ url: URL, pack: String) -> ClusterCache {
        guard let data = FileManager.default.contents(atPath: url.path),
            let cache = try? JSONDecoder().decode(ClusterCache.self, from: data), cache.pack == pack
        else { return ClusterCache(pack: pack) }
        return cache
    }

    func save(_ url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(self)
        let temporary = url.appendingPathExtension("tmp")
        _ = FileManager.default.createFile(
            atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o600])
        guard let handle = FileHandle(forWritingAtPath: temporary.path) else {
            throw CLIError(code: .fileUnwritable, message: "cannot write \(temporary.path)")
        }
        try handle.write(contentsOf: data)
        try handle.synchronize()
        try handle.close()
        guard rename(temporary.path, url.path) == 0 else {
            throw CLIError(code: .fileUnwritable, message: "cannot replace \(url.path)")
        }
    }
}
