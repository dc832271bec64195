import Foundation

/// The release `likeness` binary as users run it (`make test` builds it first).
public enum LikenessBinary {
    /// What one run printed and how it exited.
    public struct Run: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    public static let url = Fixtures.repositoryRoot.appendingPathComponent(".build/release/likeness")

    /// Runs `likeness arguments…` from the repository root and waits for it.
    public static func run(_ arguments: [String], environment: [String: String]? = nil) throws -> Run {
        try Fixtures.requireModels()
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw FixtureMissing("\(url.path) is not built (make test builds it)")
        }
        return try execute(url, arguments, environment: environment)
    }

    /// Runs any executable from the repository root and waits for it, reading both pipes to the end;
    /// `closedInput` gives it an empty standard input (ffmpeg reads keys from a terminal otherwise).
    public static func execute(
        _ executable: URL, _ arguments: [String], environment: [String: String]? = nil, closedInput: Bool = false
    ) throws -> Run {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = Fixtures.repositoryRoot
        if let environment { process.environment = environment }
        if closedInput { process.standardInput = FileHandle.nullDevice }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // stderr is read on its own thread so a chatty run cannot fill one pipe and stall.
        let errors = DispatchQueue(label: "likeness-binary-stderr")
        nonisolated(unsafe) var stderr: [UInt8] = []
        let group = DispatchGroup()
        group.enter()
        errors.async {
            stderr = readAll(err.fileHandleForReading.fileDescriptor)
            group.leave()
        }
        let stdout = readAll(out.fileHandleForReading.fileDescriptor)
        group.wait()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }
}

/// Everything readable from `descriptor` until end of file. Plain read(2), retried on EINTR:
/// Foundation's readDataToEndOfFile traps when a signal interrupts it.
public func readAll(_ descriptor: Int32) -> [UInt8] {
    var result: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count > 0 {
            result += buffer[0..<count]
        } else if count == 0 || errno != EINTR {
            return result
        }
    }
}
