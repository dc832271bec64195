import Foundation
import TestSupport

/// Makes test clips with Debian's ffmpeg (scripts/bootstrap installs it) in a scratch directory.
/// The locate logic is CLITests' `FFmpegTool`, which this target cannot import.
struct ClipMaker {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("likeness-clips-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    static func tool(_ name: String) throws -> URL {
        for folder in ["/usr/bin", "/usr/local/bin", "/bin"] {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return URL(fileURLWithPath: candidate) }
        }
        throw FixtureMissing("\(name) is missing: scripts/bootstrap installs Debian's ffmpeg")
    }

    /// Runs ffmpeg with `arguments`, writing `name` in the scratch directory; its path.
    @discardableResult
    func ffmpeg(_ arguments: [String], output name: String) throws -> String {
        let path = directory.appendingPathComponent(name).path
        let run = try LikenessBinary.execute(
            try Self.tool("ffmpeg"), ["-v", "error", "-y"] + arguments + [path], closedInput: true)
        guard run.status == 0 else { throw FixtureMissing("ffmpeg \(arguments) failed: \(run.stderr)") }
        return path
    }

    /// A synthetic clip (ffmpeg's test pattern) of `frames` frames of `size` at `rate` fps.
    func pattern(
        _ name: String, size: String = "320x240", rate: String = "30", frames: Int, extra: [String] = [],
        codec: [String] = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    ) throws -> String {
        try ffmpeg(
            ["-f", "lavfi", "-i", "testsrc=size=\(size):rate=\(rate)", "-frames:v", String(frames)] + extra + codec,
            output: name)
    }

    /// A file written from `text` in the scratch directory; its path.
    func write(_ text: String, to name: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// The container's duration in seconds, as ffprobe reads it.
    static func duration(_ path: String) throws -> Double {
        let run = try LikenessBinary.execute(
            try tool("ffprobe"),
            ["-v", "error", "-show_entries", "format=duration", "-of", "default=noprint_wrappers=1:nokey=1", path],
            closedInput: true)
        guard run.status == 0, let seconds = Double(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw FixtureMissing("ffprobe could not read the duration of \(path): \(run.stderr)")
        }
        return seconds
    }
}
