import Foundation
import TestSupport

/// Debian's ffmpeg/ffprobe for building test clips and checking outputs (scripts/bootstrap installs them).
enum FFmpegTool {
    static func path(_ tool: String) throws -> String {
        for directory in ["/usr/bin", "/usr/local/bin", "/bin"] {
            let candidate = "\(directory)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw FixtureMissing("\(tool) is missing: scripts/bootstrap installs Debian's ffmpeg")
    }

    /// Runs the tool; throws with its complaint when it fails.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) throws -> String {
        let run = try LikenessBinary.execute(URL(fileURLWithPath: try path(tool)), arguments, closedInput: true)
        guard run.status == 0 else {
            throw FixtureMissing("\(tool) \(arguments.joined(separator: " ")) failed: \(run.stderr)")
        }
        return run.stdout
    }

    /// What ffprobe counts in a file: decoded frames, frame rate, duration, an audio stream.
    struct Facts: Equatable, CustomStringConvertible {
        var frames: Int
        var rate: String
        var duration: Double
        var audio: Bool
        var width: Int
        var height: Int
        var description: String { "\(frames) frames at \(rate), \(duration) s, \(width)x\(height), audio \(audio)" }
    }

    static func facts(_ path: String) throws -> Facts {
        let json = try run(
            "ffprobe", ["-v", "error", "-count_frames", "-print_format", "json", "-show_streams", "-show_format", path])
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] ?? [:]
        let streams = object["streams"] as? [[String: Any]] ?? []
        guard let video = streams.first(where: { $0["codec_type"] as? String == "video" }) else {
            throw FixtureMissing("\(path) has no video stream")
        }
        let format = object["format"] as? [String: Any] ?? [:]
        return Facts(
            frames: Int(video["nb_read_frames"] as? String ?? "") ?? -1, rate: video["r_frame_rate"] as? String ?? "",
            duration: Double(format["duration"] as? String ?? "") ?? -1,
            audio: streams.contains { $0["codec_type"] as? String == "audio" }, width: video["width"] as? Int ?? 0,
            height: video["height"] as? Int ?? 0)
    }
}
