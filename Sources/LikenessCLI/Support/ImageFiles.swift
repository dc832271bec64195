import FaceKit
import Foundation
import Workflows

/// Reading image files with the size limit applied before the bytes are read.
package enum ImageFiles {
    package static func read(_ path: String, limits: ImageLimits) throws -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CLIError(code: .fileNotFound, message: "\(path) does not exist")
        }
        guard !isDirectory.boolValue else { throw CLIError(code: .fileNotFound, message: "\(path) is a directory") }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size <= limits.maxBytes else {
            throw FaceKitError(.imageTooLarge, "\(path) is \(size) bytes; the limit is \(limits.maxBytes)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError(code: .fileUnreadable, message: "\(path) cannot be read")
        }
        return [UInt8](data)
    }

    /// Image files under `directory`, recursively, sorted by path.
    package static func list(
        in directory: String, extensions: Set<String> = ["jpg", "jpeg", "png", "webp", "bmp", "tif", "tiff"]
    )
        throws -> [String]
    {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else {
            throw CLIError(code: .fileNotFound, message: "\(directory) is not a readable directory")
        }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            if extensions.contains((relative as NSString).pathExtension.lowercased()) {
                files.append((directory as NSString).appendingPathComponent(relative))
            }
        }
        return files.sorted()
    }
}
