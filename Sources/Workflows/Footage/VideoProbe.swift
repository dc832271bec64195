import Foundation

/// What ffprobe says of a video file: the facts a redacted copy must keep.
public struct VideoProbe: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// The frame rate as ffprobe's rational (`30000/1001`), passed on to the encoder unchanged.
    public var frameRate: String
    public var framesPerSecond: Double
    /// Frames the container declares; nil when it does not say.
    public var declaredFrames: Int?
    /// Seconds, from the container; nil when unknown.
    public var duration: Double?
    public var hasAudio: Bool
    /// The container's short names, e.g. `mov,mp4,m4a,3gp,3g2,mj2`.
    public var formatName: String

    /// Runs ffprobe on `path`; throws `video_unreadable` when it finds no video stream.
    public static func probe(_ path: String) throws -> VideoProbe {
        let result = try FFmpegTools.run(
            "ffprobe",
            ["-v", "error", "-print_format", "json", "-show_streams", "-show_format", "--", path],
            timeout: 60)
        guard result.status == 0 else {
            throw WorkflowError(
                .videoUnreadable, "\(path) is not a video ffprobe can read\(FFmpegTools.firstLine(result.errors))")
        }
        struct Document: Decodable {
            struct Stream: Decodable {
                var codec_type: String?
                var width: Int?
                var height: Int?
                var r_frame_rate: String?
                var avg_frame_rate: String?
                var nb_frames: String?
                var duration: String?
                var disposition: [String: Int]?
            }
            struct Format: Decodable {
                var format_name: String?
                var duration: String?
            }
            var streams: [Stream]?
            var format: Format?
        }
        guard let document = try? JSONDecoder().decode(Document.self, from: result.output) else {
            throw WorkflowError(.videoUnreadable, "\(path): ffprobe printed no description")
        }
        let streams = document.streams ?? []
        // Cover art in an audio file is a one-frame "video" stream marked attached_pic.
        guard
            let video = streams.first(where: {
                $0.codec_type == "video" && ($0.disposition?["attached_pic"] ?? 0) == 0
            }), let width = video.width, let height = video.height, width > 0, height > 0
        else { throw WorkflowError(.videoUnreadable, "\(path) has no video stream") }
        let rate = [video.avg_frame_rate, video.r_frame_rate].compactMap { $0 }.first { rational($0) > 0 } ?? "25/1"
        return VideoProbe(
            width: width, height: height, frameRate: rate, framesPerSecond: rational(rate),
            declaredFrames: video.nb_frames.flatMap { Int($0) },
            duration: (video.duration ?? document.format?.duration).flatMap { Double($0) },
            hasAudio: streams.contains { $0.codec_type == "audio" },
            formatName: document.format?.format_name ?? "")
    }

    /// `30000/1001` as a number; 0 for anything malformed.
    static func rational(_ text: String) -> Double {
        let parts = text.split(separator: "/").map { Double($0) ?? .nan }
        switch parts.count {
        case 1: return parts[0].isFinite ? parts[0] : 0
        case 2 where parts[1] > 0 && parts[0].isFinite: return parts[0] / parts[1]
        default: return 0
        }
    }
}
