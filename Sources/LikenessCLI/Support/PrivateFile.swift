import Foundation

/// Output files that hold faces (HTML reports with face crops, annotated photos): written mode
/// 0600 whatever the caller's umask, and whether or not a file of that name already existed
/// (its old, perhaps wider, mode is not kept).
enum PrivateFile {
    /// Writes `data` to `path` through a temporary 0600 file beside it and a rename, so the file
    /// is complete or absent under its name, and never readable by others in between.
    static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString.prefix(8)).partial").path
        // O_EXCL: never follow or reuse a file someone else put there.
        let descriptor = Foundation.open(temporary, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw CLIError(code: .fileUnwritable, message: "cannot write \(path)") }
        // The mode given to open is masked by the umask; 0600 is the most it can be, and fchmod
        // makes it exactly that.
        _ = fchmod(descriptor, 0o600)
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        do {
            try handle.write(contentsOf: data)
            try handle.close()
            guard Foundation.rename(temporary, path) == 0 else {
                throw CLIError(code: .fileUnwritable, message: "cannot write \(path) (errno \(errno))")
            }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            if error is CLIError { throw error }
            throw CLIError(code: .fileUnwritable, message: "cannot write \(path)")
        }
    }
}
