import Foundation
import TestSupport
import Testing

/// `likeness backup`: a consistent online copy of the SQLite gallery while another process
/// enrols; the copy opens, passes PRAGMA integrity_check and `audit verify`, is private, and
/// never replaces a file.
@Suite(
    "likeness backup",
    .enabled(if: Fixtures.needsModelsAndData, "models or ../shared/data missing (developer machine): skipped"))
struct BackupCLITests {
    let cli = CLITests()

    func temporary(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("likeness-backup-\(name)-\(UUID().uuidString)")
    }

    /// Runs python3's sqlite3 (a reader independent of the code under test) on `file`.
    func sqlite(_ file: String, _ script: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", "import sqlite3, sys\ndb = sqlite3.connect(sys.argv[1])\n" + script, file]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let bytes = readAll(out.fileHandleForReading.fileDescriptor)
        process.waitUntilExit()
        return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A data directory holding `backup` as its gallery, with a copy of the source's master key.
    func restore(_ backup: String, key: URL) throws -> URL {
        let directory = temporary("restore")
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try FileManager.default.copyItem(atPath: backup, toPath: directory.appendingPathComponent("gallery.sqlite").path)
        let restoredKey = directory.appendingPathComponent("master.key")
        try FileManager.default.copyItem(at: key, to: restoredKey)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: restoredKey.path)
        return directory
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
    }

    @Test("backups taken while enroll-dir writes: consistent, private, openable, audit intact")
    func backupWhileEnrolling() throws {
        try Fixtures.requireModels()
        let data = temporary("data")
        defer { try? FileManager.default.removeItem(at: data) }
        let enrol = Process()
        enrol.executableURL = CLITests.binary
        enrol.arguments = [
            "enroll-dir", Fixtures.lfwImages.path, "--data", data.path, "--json", "--no-quality", "--consent",
            "identity_verification", "--policy", "enroll_and_flag", "--limit", "80", "--workers", "1",
        ]
        enrol.currentDirectoryURL = Fixtures.repositoryRoot
        let out = Pipe()
        enrol.standardOutput = out
        enrol.standardError = FileHandle.nullDevice
        try enrol.run()
        let acknowledgements = StreamCollector(out)
        defer {
            if enrol.isRunning { enrol.terminate() }
            enrol.waitUntilExit()
        }
        /// The subjects enroll-dir has acknowledged (committed) so far.
        func acknowledged() -> Set<String> {
            var subjects = Set<String>()
            for line in acknowledgements.text.split(separator: "\n") {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                    let subject = object["subject"] as? String, (object["templates"] as? Int ?? 0) > 0
                else { continue }
                subjects.insert(subject)
            }
            return subjects
        }
        #expect(eventually(timeout: 120) { acknowledged().count >= 3 }, "enroll-dir acknowledged nothing")

        var backups: [(path: String, before: Set<String>, templates: Int, whileWriting: Bool)] = []
        for round in 0..<3 {
            let before = acknowledged()
            let path = data.appendingPathComponent("backup-\(round).sqlite").path
            let run = try cli.likeness("backup", "--data", data.path, "--to", path, "--json")
            let whileWriting = enrol.isRunning
            #expect(run.status == 0, "\(run)")
            let document = try json(run.stdout)
            #expect(document["backup"] as? String == path)
            #expect(document["integrity"] as? String == "ok")
            #expect((document["source"] as? String)?.hasPrefix("sqlite:") == true)
            #expect((document["bytes"] as? Int ?? 0) > 0)
            let templates = document["templates"] as? Int ?? -1
            #expect(templates >= before.count, "\(document)")
            backups.append((path, before, templates, whileWriting))
            // Let a few more subjects commit between backups.
            _ = eventually(timeout: 30) { acknowledged().count >= before.count + 2 || !enrol.isRunning }
        }
        #expect(backups.first?.whileWriting == true, "enroll-dir had finished before the first backup")
        enrol.waitUntilExit()
        #expect(enrol.terminationStatus == 0)

        let key = data.appendingPathComponent("master.key")
        for backup in backups {
            let attributes = try FileManager.default.attributesOfItem(atPath: backup.path)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600, "\(backup.path)")
            #expect(try sqlite(backup.path, "print(db.execute('PRAGMA integrity_check').fetchone()[0])") == "ok")
            #expect(try sqlite(backup.path, "print(db.execute('SELECT count(*) FROM template').fetchone()[0])")
                == String(backup.templates))
            // It opens as a gallery: the audit trail verifies, and every subject acknowledged
            // before the backup began is in it.
            let restored = try restore(backup.path, key: key)
            defer { try? FileManager.default.removeItem(at: restored) }
            let audit = try cli.likeness("audit", "verify", "--data", restored.path, "--json")
            #expect(audit.status == 0, "\(audit)")
            #expect(try json(audit.stdout)["intact"] as? Bool == true, "\(audit.stdout)")
            let list = try cli.likeness("subjects", "list", "--data", restored.path)
            #expect(list.status == 0, "\(list)")
            let present = Set(list.stdout.split(separator: "\n").map(String.init))
            #expect(backup.before.isSubset(of: present), "missing: \(backup.before.subtracting(present))")
        }
    }

    @Test("an erased subject's sealed template is not in a later backup; the others are")
    func erasedBytesAbsent() throws {
        let data = temporary("erase")
        defer { try? FileManager.default.removeItem(at: data) }
        let lfw = Fixtures.lfwImages.path
        for (subject, image) in [
            ("kept", "\(lfw)/Abdullah_Gul/Abdullah_Gul_0013.jpg"), ("gone", "\(lfw)/Aaron_Peirsol/Aaron_Peirsol_0001.jpg"),
        ] {
            let run = try cli.likeness(
                "enroll", "--data", data.path, "--subject", subject, "--consent", "identity_verification",
                "--no-quality", image)
            #expect(run.status == 0, "\(run)")
        }
        let database = data.appendingPathComponent("gallery.sqlite").path
        func sealed(_ subject: String) throws -> String {
            try sqlite(
                database,
                "print(db.execute(\"SELECT hex(t.sealed) FROM template t JOIN subject s ON s.id = t.subject_id WHERE s.external_id = '\(subject)'\").fetchone()[0])"
            )
        }
        let gone = try sealed("gone")
        let kept = try sealed("kept")
        #expect(gone.count > 1_000 && kept.count > 1_000)
        let erase = try cli.likeness("subjects", "erase", "gone", "--data", data.path)
        #expect(erase.status == 0, "\(erase)")
        let path = data.appendingPathComponent("after-erase.sqlite").path
        let run = try cli.likeness("backup", "--data", data.path, "--to", path)
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("integrity ok"), "\(run.stdout)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        func contains(_ hex: String) -> Bool {
            var blob = Data()
            var index = hex.startIndex
            while index < hex.endIndex {
                let next = hex.index(index, offsetBy: 2)
                blob.append(UInt8(hex[index..<next], radix: 16)!)
                index = next
            }
            // Any 64-byte run of the ciphertext is enough to count as present.
            return bytes.range(of: blob.subdata(in: 32..<96)) != nil
        }
        #expect(!contains(gone), "the erased subject's ciphertext is in the backup")
        #expect(contains(kept), "the kept subject's ciphertext is missing from the backup")
    }

    @Test("an existing file is never replaced; PostgreSQL gets the pg_dump command; no gallery is file_not_found")
    func refusals() throws {
        let data = temporary("refuse")
        defer { try? FileManager.default.removeItem(at: data) }
        let created = try cli.likeness("keys", "create", "--data", data.path, "--tenant", "t")
        #expect(created.status == 0, "\(created)")
        let existing = data.appendingPathComponent("existing.sqlite")
        try Data("keep me".utf8).write(to: existing)
        let overwrite = try cli.likeness("backup", "--data", data.path, "--to", existing.path)
        #expect(overwrite.status == 2)
        #expect(overwrite.stderr.contains("error: already_exists:"), "\(overwrite.stderr)")
        #expect(try Data(contentsOf: existing) == Data("keep me".utf8))
        // Nothing is left behind beside it.
        let left = try FileManager.default.contentsOfDirectory(atPath: data.path).filter { $0.contains("partial") }
        #expect(left.isEmpty, "\(left)")

        let postgres = try cli.likeness(
            "backup", "--database", "postgres://likeness:hunter2-secret@127.0.0.1:1/gallery", "--to", "/tmp/x.dump")
        #expect(postgres.status == 2)
        #expect(
            postgres.stderr.contains("pg_dump --format=custom --file '/tmp/x.dump' 'postgres://likeness@127.0.0.1:1/gallery'"),
            "\(postgres.stderr)")
        #expect(!postgres.stderr.contains("hunter2"), "the password leaked")

        let nowhere = try cli.likeness("backup", "--data", temporary("none").path, "--to", temporary("none-out").path)
        #expect(nowhere.status == 2)
        #expect(nowhere.stderr.contains("error: file_not_found:"), "\(nowhere.stderr)")
    }
}
