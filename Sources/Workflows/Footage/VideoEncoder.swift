import FaceKit
import Foundation

/// Writes frames to a video file through an `ffmpeg` child process, with the audio of a source file.
///
/// The frames go to ffmpeg's standard input as raw BGR at the source's exact frame rate (its
/// rational, not a rounded number), so the copy has the same frame count, rate and duration.
/// The source's metadata (GPS position, device) is dropped.
final class VideoEncoder {
    private let process = Process()
    private let input: FileHandle
    private let errorLog: URL
    private let width: Int
    private let height: Int
    private(set) var framesWritten = 0

    /// Starts ffmpeg writing `destination`, whose extension picks the codecs.
    init(destination: String, like probe: VideoProbe, audioFrom source: String) throws {
        // A child that dies must fail a write with EPIPE, not kill this process.
        signal(SIGPIPE, SIG_IGN)
        width = probe.width
        height = probe.height
        let ext = (destination as NSString).pathExtension.lowercased()
        var arguments = [
            "-hide_banner", "-loglevel", "error", "-y",
            "-f", "rawvideo", "-pix_fmt", "bgr24", "-video_size", "\(probe.width)x\(probe.height)",
            "-framerate", probe.frameRate, "-i", "pipe:0",
        ]
        if probe.hasAudio { arguments += ["-i", source, "-map", "0:v:0", "-map", "1:a?"] }
        arguments += ["-map_metadata", "-1"]
        let even = probe.width % 2 == 0 && probe.height % 2 == 0
        switch ext {
        case "webm":
            arguments += [
                "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-row-mt", "1", "-crf", "30", "-b:v",
                "0",
                "-pix_fmt", even ? "yuv420p" : "yuv444p",
            ]
            if probe.hasAudio { arguments += ["-c:a", "libopus", "-b:a", "128k"] }
        default:
            arguments += [
                "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", even ? "yuv420p" : "yuv444p",
            ]
            if probe.hasAudio { arguments += ext == "mkv" ? ["-c:a", "copy"] : ["-c:a", "aac", "-b:a", "160k"] }
            if ext == "mp4" || ext == "mov" || ext == "m4v" { arguments += ["-movflags", "+faststart"] }
        }
        // The destination is a temporary name chosen by the caller: the muxer is told the format.
        let formats = ["mp4": "mp4", "m4v": "mp4", "mov": "mov", "mkv": "matroska", "webm": "webm"]
        arguments += ["-f", formats[ext] ?? "mp4", destination]

        process.executableURL = URL(fileURLWithPath: try FFmpegTools.locate("ffmpeg"))
        process.arguments = arguments
        let pipe = Pipe()
        process.standardInput = pipe
        process.standardOutput = FileHandle.nullDevice
        errorLog = FileManager.default.temporaryDirectory.appendingPathComponent(
            "likeness-ffmpeg-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: errorLog.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: errorLog)
        do {
            try process.run()
        } catch {
            try? FileManager.default.removeItem(at: errorLog)
            throw WorkflowError(.encoderFailed, "ffmpeg could not be started: \(error)")
        }
        input = pipe.fileHandleForWriting
    }

    deinit {
        if process.isRunning { process.terminate() }
        try? FileManager.default.removeItem(at: errorLog)
    }

    /// Appends one frame, which must have the source's size.
    func write(_ frame: Image) throws {
        guard frame.width == width, frame.height == height else {
            throw WorkflowError(
                .videoUnreadable,
                "a decoded frame is \(frame.width)x\(frame.height), the stream says \(width)x\(height)")
        }
        do {
            try input.write(contentsOf: Data(frame.bgrPixels()))
        } catch {
            process.waitUntilExit()
            throw WorkflowError(.encoderFailed, "ffmpeg stopped reading frames\(complaint())")
        }
        framesWritten += 1
    }

    /// Closes the stream and waits for ffmpeg; throws when it failed.
    func finish() throws {
        try? input.close()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw WorkflowError(.encoderFailed, "ffmpeg failed (status \(process.terminationStatus))\(complaint())")
        }
    }

    /// Stops ffmpeg without finishing the file.
    func cancel() {
        try? input.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    private func complaint() -> String {
        FFmpegTools.firstLine((try? String(contentsOf: errorLog, encoding: .utf8)) ?? "")
    }
}
