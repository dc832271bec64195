import Foundation
import TestSupport
import Testing

@testable import Gallery

/// Kills `likeness enroll-dir` with SIGKILL in the middle of a stream of enrolments, a fixed number
/// of times at fixed points: every enrolment it acknowledged must survive, the index must match the
/// store, and the audit trail must verify.
@Suite(
    "gallery durability",
    .enabled(if: Fixtures.needsModelsAndData, "models or ../shared/data missing (developer machine): skipped"))
struct GalleryDurabilityTests {
    /// How many new acknowledgements each round waits for before its SIGKILL. Fixed, so every run
    /// kills the same number of times at the same points in the stream; the kill lands while the
    /// process is working on the next subject (sampling its images or committing it), which is the
    /// window a crash must not corrupt.
    static let killAfter = [1, 3, 2, 5, 1, 4, 2, 6]

    /// Starts enroll-dir, reads its acknowledgements (one JSON line per committed subject), and
    /// sends SIGKILL as soon as `acknowledgements` of them have arrived. Returns every subject
    /// acknowledged, with its template count, and how the process ended.
    func enrolUntilKilled(data: String, after acknowledgements: Int) throws
        -> (acknowledged: [String: Int], killedAfter: Int?, reason: Process.TerminationReason, status: Int32)
    {
        try Fixtures.requireModels()
        let process = Process()
        process.executableURL = CLITests.binary
        process.arguments = [
            "enroll-dir", Fixtures.lfwImages.path, "--data", data, "--json", "--no-quality", "--consent",
            "identity_verification", "--policy", "enroll_and_flag", "--limit", "150", "--workers", "1",
        ]
        process.currentDirectoryURL = Fixtures.repositoryRoot
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var buffer: [UInt8] = []
        var acknowledged: [String: Int] = [:]
        var killedAfter: Int?
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let descriptor = out.fileHandleForReading.fileDescriptor
        // Read to end of file: lines the process flushed before it died are still in the pipe,
        // and they are acknowledgements too.
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            buffer += chunk[0..<count]
            while let newline = buffer.firstIndex(of: 0x0A) {
                let line = Data(buffer[..<newline])
                buffer.removeSubrange(...newline)
                guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any],
                    let subject = object["subject"] as? String, let templates = object["templates"] as? Int,
                    templates > 0
                else { continue }
                acknowledged[subject] = templates
                if killedAfter == nil && acknowledged.count == acknowledgements {
                    kill(process.processIdentifier, SIGKILL)
                    killedAfter = acknowledged.count
                }
            }
        }
        process.waitUntilExit()
        return (acknowledged, killedAfter, process.terminationReason, process.terminationStatus)
    }

    @Test("SIGKILL during enrolment loses no acknowledged enrolment and breaks nothing")
    func survivesKills() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("likeness-kill-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        var everAcknowledged: [String: Int] = [:]
        for (round, wanted) in Self.killAfter.enumerated() {
            let run = try enrolUntilKilled(data: data.path, after: wanted)
            // Every round is a real kill at its point: the process neither finished nor stopped
            // short of the acknowledgements the round waits for.
            #expect(
                run.killedAfter == wanted, "round \(round): \(run.acknowledged.count) acknowledged, wanted \(wanted)")
            #expect(
                run.reason == .uncaughtSignal && run.status == SIGKILL, "round \(round): \(run.reason) \(run.status)")
            // Subjects already enrolled are skipped on restart, so each round acknowledges new ones.
            #expect(
                Set(run.acknowledged.keys).isDisjoint(with: everAcknowledged.keys),
                "round \(round): a subject was enrolled twice")
            everAcknowledged.merge(run.acknowledged) { $1 }

            var configuration = GalleryConfiguration()
            configuration.actor = "durability-test"
            let gallery = try await Gallery.open(directory: data, configuration: configuration, environment: [:])
            for (subject, templates) in everAcknowledged {
                let details = try await gallery.details(tenant: "default", subject: subject)
                #expect(details.templates.count == templates, "round \(round): \(subject) lost its templates")
            }
            let first = try #require(everAcknowledged.keys.first, "round \(round): nothing was acknowledged")
            let pack = try await gallery.details(tenant: "default", subject: first).templates[0].pack
            let check = try await gallery.indexMatchesStore(tenant: "default", pack: pack)
            #expect(check.matches, "round \(round): index \(check.index) vs store \(check.store)")
            let audit = try await gallery.verifyAudit()
            #expect(audit.isIntact, "round \(round): \(audit.problems)")
            await gallery.close()
        }
        #expect(everAcknowledged.count >= Self.killAfter.reduce(0, +))
    }
}
