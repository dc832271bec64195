import Foundation

/// Debian's `ffmpeg` and `ffprobe`, run as child processes.
///
/// OpenCV 4.6 decodes video but cannot write audio, so the muxing of a redacted copy (and the
/// facts about its input) comes from the FFmpeg command-line tools; `LIKENESS_FFMPEG_DIR` points
/// at another build of them.
enum FFmpegTools {
    struct Result {
        var status: Int32
        var output: Data
        var errors: String
    }

    /// The path of `tool`, from `LIKENESS_FFMPEG_DIR` or `PATH`; `encoder_failed` when absent.
    static func locate(_ tool: String) throws -> String {
        let environment = ProcessInfo.processInfo.environment
        var directories = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        if let custom = environment["LIKENESS_FFMPEG_DIR"], !custom.isEmpty { directories.insert(custom, at: 0) }
        for directory in directories {
            let candidate = (directory as NSString).appendingPathComponent(tool)
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw WorkflowError(.encoderFailed, "\(tool) was not found on PATH (Debian: apt-get install ffmpeg)")
    }

    /// Runs `tool` with `arguments` to completion, or kills it after `timeout` seconds.
    static func run(_ tool: String, _ arguments: [String], timeout: Double) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try locate(tool))
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Both pipes are drained while the tool runs so neither can fill and stall it.
        let collected = Collected()
        let group = DispatchGroup()
        for (pipe, isOutput) in [(output, true), (errors, false)] {
            group.enter()
            DispatchQueue.global().async {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                collected.store(data, isOutput: isOutput)
                group.leave()
            }
        }
        if group.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            group.wait()
            process.waitUntilExit()
            throw WorkflowError(.encoderFailed, "\(tool) did not finish within \(Int(timeout)) s")
        }
        process.waitUntilExit()
        let (out, err) = collected.values
        return Result(status: process.terminationStatus, output: out, errors: String(decoding: err, as: UTF8.self))
    }

    /// ": <the tool's first line of complaint>", or nothing.
    static func firstLine(_ errors: String) -> String {
        guard let line = errors.split(separator: "\n").first(where: { !$0.isEmpty }) else { return "" }
        return ": " + line.prefix(200)
    }

    /// Output gathered from two reader threads.
    private final class Collected: @unchecked Sendable {
        // @unchecked: every access holds `lock`.
        private let lock = NSLock()
        private var output = Data()
        private var errors = Data()

        func store(_ data: Data, isOutput: Bool) {
            lock.lock()
            defer { lock.unlock() }
            if isOutput { output = data } else { errors = data }
        }

        var values: (Data, Data) {
            lock.lock()
            defer { lock.unlock() }
            return (output, errors)
        }
    }
}
