import Foundation
import TestSupport
import Testing

@testable import Gallery

/// Kills `likeness enroll-dir` with SIGKILL in the middle of a stream of enrolments, many times:
/// every enrolment it acknowledged must survive, the index must match the store, and the audit
/// trail must verify.
@Suite(
    "gallery durability",
    .enabled(if: Fixtures.needsModelsAndData, "models or ../shared/data missing (developer machine): skipped"))
struct GalleryDurabilityTests {
    /// Starts enroll-dir, reads its acknowledgements, and kills it once `kills` of them arrived
    /// plus a random pause. Returns the acknowledged subjects with their template counts.
    func enrolUntilKilled(data: String, after acknowledgements: Int, pauseMicroseconds: UInt32) throws
        -> (acknowledged: [String: Int], finished: Bool)
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
        var buffer = Data()
        var acknowledged: [String: Int] = [:]
        var killed = false
        func consume() {
            while let newline = buffer.firstIndex(of: 0x0A) {
                let line = buffer[buffer.startIndex..<newline]
                buffer = Data(buffer[(newline + 1)...])
                guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                    let subject = object["subject"] as? String, let templates = object["templates"] as? Int,
                    templates > 0
                else { continue }
                acknowledged[subject] = templates
            }
        }
        while true {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
            consume()
            if !killed && acknowledged.count >= acknowledgements {
                usleep(pauseMicroseconds)
                kill(process.processIdentifier, SIGKILL)
                killed = true
            }
        }
        process.waitUntilExit()
        return (acknowledged, process.terminationReason == .exit && process.terminationStatus == 0)
    }

    @Test("SIGKILL during enrolment loses no acknowledged enrolment and breaks nothing")
    func survivesKills() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("likeness-kill-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        var generator = SystemRandomNumberGenerator()
        var everAcknowledged: [String: Int] = [:]
        var kills = 0
        for round in 0..<8 {
            let (acknowledged, finished) = try enrolUntilKilled(
                data: data.path, after: Int.random(in: 2...12, using: &generator),
                pauseMicroseconds: UInt32.random(in: 0...40_000, using: &generator))
            if !finished { kills += 1 }
            everAcknowledged.merge(acknowledged) { $1 }
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
        }
        #expect(kills >= 6, "most rounds must really kill the process mid-stream")
        #expect(everAcknowledged.count >= 20)
    }
}
