import Foundation

/// Files written by footage commands: complete or absent under their final name, and private.
public enum FootageFiles {
    /// Writes `data` to `path` through a temporary file beside it (mode 0600) and a rename.
    public static func write(_ data: Data, to path: String) throws {
        let partial = try FootageWorkflows.reservePartial(for: path)
        do {
            try data.write(to: URL(fileURLWithPath: partial))
            guard Foundation.rename(partial, path) == 0 else {
                throw WorkflowError(.fileUnwritable, "\(path) could not be written (errno \(errno))")
            }
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            if error is WorkflowError { throw error }
            throw WorkflowError(.fileUnwritable, "\(path) could not be written")
        }
    }

    /// A contact sheet of `count` frames spread evenly over the video at `path` (JPEG, up to four
    /// 320-pixel-wide frames a row), written to `sheet`.
    public static func writeContactSheet(of path: String, frames: Int, count: Int, to sheet: String) throws {
        guard count >= 1 else { throw WorkflowError(.validationFailed, "a contact sheet needs at least one frame") }
        let shown = min(count, max(1, frames))
        let step = max(1, frames / shown)
        let columns = min(4, shown)
        let rows = (shown + columns - 1) / columns
        let partial = try FootageWorkflows.reservePartial(for: sheet)
        defer { try? FileManager.default.removeItem(atPath: partial) }
        let result = try FFmpegTools.run(
            "ffmpeg",
            [
                "-hide_banner", "-loglevel", "error", "-y", "-i", path,
                "-vf", "select='not(mod(n\\,\(step)))',scale=320:-2,tile=\(columns)x\(rows):padding=4:color=white",
                "-frames:v", "1", "-fps_mode", "vfr", "-f", "image2", "-c:v", "mjpeg", "-q:v", "3", partial,
            ], timeout: 600)
        guard result.status == 0 else {
            throw WorkflowError(
                .encoderFailed, "the contact sheet could not be made\(FFmpegTools.firstLine(result.errors))")
        }
        guard Foundation.rename(partial, sheet) == 0 else {
            throw WorkflowError(.fileUnwritable, "\(sheet) could not be written (errno \(errno))")
        }
    }
}
