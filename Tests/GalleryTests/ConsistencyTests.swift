import Foundation
import GRDB
import Tokens
import TestSupport
import Testing

@testable import Gallery

/// Several processes on one gallery: two `Gallery` instances on one SQLite directory (a CLI and
/// a server) or on one PostgreSQL database (two nodes). Each keeps its own index and keys; the
/// store's change log is what keeps them honest.
@Suite("Consistency across processes")
struct ConsistencyTests {
    static let pack = GalleryFixture.pack

    static func enroll(
        _ gallery: Gallery, _ subject: String, _ vectors: [[Float]], tenant: String = "acme"
    ) async throws -> EnrollmentResult {
        _ = try await gallery.grantConsent(
            tenant: tenant, subject: subject, purpose: Gallery.defaultPurpose, textVersion: "v1", text: "I agree.",
            evidence: "test")
        return try await gallery.enroll(
            EnrollmentRequest(
                tenant: tenant, subject: subject, pack: pack,
                samples: vectors.map { EnrollmentSample(vector: $0, quality: 0.9) }, duplicateThreshold: 0.34,
                policy: .reject))
    }

    static func best(_ gallery: Gallery, _ vector: [Float], tenant: String = "acme") async throws -> Candidate? {
        try await gallery.search(tenant: tenant, pack: pack, vector: vector, k: 1, threshold: 0.34).first
    }

    @Test("enrolled through one process, found by another; erased through it, gone from the first at once",
        arguments: StoreKind.tested)
    func enrolAndErase(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let server = try await harness.openGallery()
            let cli = try await harness.openGallery()
            let yao = GalleryFixture.face(1)
            _ = try await Self.enroll(server, "other", [GalleryFixture.face(2)])
            // The server's index is built before the CLI writes, as in a running server.
            #expect(try await Self.best(server, yao)?.subject == "other")
            _ = try await Self.enroll(cli, "yao", [yao])
            #expect(try await Self.best(server, yao)?.subject == "yao")
            #expect(try await Self.best(server, yao)?.match == true)
            let receipt = try await cli.erase(tenant: "acme", subject: "yao")
            #expect(receipt.templatesDeleted == 1)
            // No wait: the next search applies every change committed before it.
            let after = try await Self.best(server, yao)
            #expect(after?.subject != "yao")
            #expect(after?.match == false)
            let check = try await server.indexMatchesStore(tenant: "acme", pack: Self.pack)
            #expect(check.matches && check.index == 1)
            // The duplicate check sees the other process's enrolment too.
            _ = try await Self.enroll(cli, "lee", [GalleryFixture.face(3)])
            let duplicate = try await Self.enroll(server, "lee-again", [GalleryFixture.face(3)])
            #expect(duplicate.status == .possibleDuplicate)
            #expect(duplicate.duplicates.map(\.subject) == ["lee"])
        }
    }

    @Test("the change log records each change, in order, with the transaction that made it",
        arguments: StoreKind.tested)
    func changeLog(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let gallery = try await harness.openGallery()
            let start = try await gallery.store.changeHead()
            let enrolled = try await Self.enroll(gallery, "yao", [GalleryFixture.face(1), GalleryFixture.face(2)])
            _ = try await gallery.revokeConsent(tenant: "acme", subject: "yao", purpose: Gallery.defaultPurpose)
            _ = try await gallery.rotateTenantKey(tenant: "acme")
            let changes = try await gallery.store.changes(after: start, limit: 100)
            #expect(
                changes.map(\.kind) == [
                    .templateAdded, .templateAdded, .consentWithdrawn, .templateRemoved, .templateRemoved,
                    .subjectErased, .tenantKeyRotated,
                ])
            #expect(changes.map(\.sequence) == Array((start + 1)...(start + 7)))
            #expect(changes.prefix(2).compactMap(\.templateID) == enrolled.templateIDs)
            #expect(changes.last?.keyVersion == 2)
            #expect(try await gallery.store.changeHead() == start + 7)
        }
    }

    @Test("a data-key rotation by one process while another serves breaks nothing", arguments: StoreKind.tested)
    func dataKeyRotationWhileServing(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let server = try await harness.openGallery()
            let cli = try await harness.openGallery()
            let yao = GalleryFixture.face(1)
            _ = try await Self.enroll(server, "yao", [yao, GalleryFixture.face(1, near: yao, noise: 0.3)])
            #expect(try await Self.best(server, yao)?.subject == "yao")
            #expect(try await Self.best(cli, yao)?.subject == "yao")
            #expect(try await cli.rotateTenantKey(tenant: "acme") == 2)
            // Sign-in, search and enrolment through the process that still held the old key.
            let signIn = try await server.verify(
                tenant: "acme", subject: "yao", pack: Self.pack, vector: yao, threshold: 0.34)
            #expect(signIn.match)
            #expect(try await Self.best(server, yao)?.similarity ?? 0 > 0.99)
            let lee = GalleryFixture.face(5)
            let enrolled = try await Self.enroll(server, "lee", [lee])
            #expect(enrolled.status == .enrolled)
            // What the server sealed opens everywhere, and a fresh process starts.
            #expect(try await Self.best(cli, lee)?.subject == "lee")
            let fresh = try await harness.openGallery()
            #expect(try await Self.best(fresh, lee)?.subject == "lee")
            #expect(try await fresh.indexMatchesStore(tenant: "acme", pack: Self.pack).matches)
            let templates = try await fresh.store.templates(tenantID: 1, pack: Self.pack)
            #expect(templates.allSatisfy { $0.keyVersion == 2 })
        }
    }

    @Test("rotations run while two processes enrol and search: no failure, every template opens afterwards",
        arguments: StoreKind.tested)
    func rotationsUnderLoad(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let a = try await harness.openGallery()
            let b = try await harness.openGallery()
            _ = try await Self.enroll(a, "seed", [GalleryFixture.face(100)])
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for _ in 0..<3 {
                        _ = try await a.rotateTenantKey(tenant: "acme")
                        try await a.rotateMasterKey()
                    }
                }
                for (worker, gallery) in [a, b].enumerated() {
                    group.addTask {
                        for round in 0..<6 {
                            let seed = UInt64(1_000 + worker * 100 + round)
                            let face = GalleryFixture.face(seed)
                            _ = try await Self.enroll(gallery, "w\(worker)-\(round)", [face])
                            let found = try await Self.best(gallery, face)
                            #expect(found?.subject == "w\(worker)-\(round)")
                        }
                    }
                }
                try await group.waitForAll()
            }
            let fresh = try await harness.openGallery()
            for worker in 0..<2 {
                for round in 0..<6 {
                    let face = GalleryFixture.face(UInt64(1_000 + worker * 100 + round))
                    #expect(try await Self.best(fresh, face)?.subject == "w\(worker)-\(round)")
                }
            }
            #expect(try await fresh.indexMatchesStore(tenant: "acme", pack: Self.pack).matches)
            #expect(try await fresh.verifyAudit().isIntact)
        }
    }

    @Test("a master-key rotation by one process: the other creates tenants under the new key",
        arguments: StoreKind.tested)
    func masterKeyRotationWhileServing(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let server = try await harness.openGallery()
            let cli = try await harness.openGallery()
            _ = try await Self.enroll(server, "yao", [GalleryFixture.face(1)])
            let before = try Data(contentsOf: harness.directory.appendingPathComponent("master.key"))
            try await cli.rotateMasterKey()
            let after = try Data(contentsOf: harness.directory.appendingPathComponent("master.key"))
            #expect(before != after)
            // The previous key is kept until the next rotation.
            #expect(try Data(contentsOf: harness.directory.appendingPathComponent("master.key.previous")) == before)
            #expect(!FileManager.default.fileExists(atPath: harness.directory.appendingPathComponent("master.key.next").path))
            _ = try await Self.enroll(server, "lee", [GalleryFixture.face(2)], tenant: "globex")
            let fresh = try await harness.openGallery()
            #expect(try await Self.best(fresh, GalleryFixture.face(2), tenant: "globex")?.subject == "lee")
            #expect(try await Self.best(fresh, GalleryFixture.face(1))?.subject == "yao")
        }
    }

    @Test("opening while a rotation holds the key lock waits, and never deletes its pending key")
    func pendingKeyUnderLock() async throws {
        try await StoreHarness.with(.sqlite) { harness in
            let gallery = try await harness.openGallery()
            _ = try await Self.enroll(gallery, "yao", [GalleryFixture.face(1)])
            await gallery.close()
            let keyFile = harness.directory.appendingPathComponent("master.key")
            let pending = Gallery.pendingKeyFile(for: keyFile)
            let opening = try await MasterKeyLock.withLock(beside: keyFile, environment: [:], exclusive: true) {
                // A rotation in flight: its pending key is written, its commit not yet made.
                let next = try MasterKey.load(file: keyFile, environment: [:]).successor()
                try MasterKey.write(next.bytes, to: pending, exclusive: true)
                let opening = Task { try await harness.openGallery() }
                try await Task.sleep(for: .milliseconds(300))
                // Without the lock, the open would have found a key the database does not use
                // and deleted it (the rotation's key, lost once it commits).
                #expect(FileManager.default.fileExists(atPath: pending.path), "an open must wait for the lock")
                return opening
            }
            // The rotation "never committed": once the lock is free, the open discards its key.
            let opened = try await opening.value
            #expect(!FileManager.default.fileExists(atPath: pending.path))
            #expect(try await Self.best(opened, GalleryFixture.face(1))?.subject == "yao")
            let reopened = try await harness.openGallery()
            #expect(try await Self.best(reopened, GalleryFixture.face(1))?.subject == "yao")
        }
    }

    @Test("a wrong master key is named by its fingerprint", arguments: StoreKind.tested)
    func wrongKeyNamed(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let gallery = try await harness.openGallery()
            _ = try await Self.enroll(gallery, "yao", [GalleryFixture.face(1)])
            let other = FileManager.default.temporaryDirectory.appendingPathComponent("likeness-key-\(UUID())")
            defer { try? FileManager.default.removeItem(at: other) }
            let wrong = try MasterKey.load(file: other.appendingPathComponent("master.key"), environment: [:])
            do {
                _ = try await Gallery(store: gallery.store, masterKey: wrong)
                Issue.record("a wrong key opened the gallery")
            } catch let error as GalleryError {
                #expect(error.code == .invalidKey)
                #expect(error.message.contains("fingerprint"))
                #expect(error.message.contains(Hex.string(wrong.fingerprint)))
            }
        }
    }

    @Test("an index build racing erasures never keeps an erased template", arguments: StoreKind.tested)
    func buildRacingErase(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let writer = try await harness.openGallery()
            let faces = (0..<12).map { GalleryFixture.face(UInt64(200 + $0)) }
            for (number, face) in faces.enumerated() { _ = try await Self.enroll(writer, "p\(number)", [face]) }
            for round in 0..<4 {
                let reader = try await harness.openGallery()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { _ = try await Self.best(reader, faces[round * 3]) }
                    group.addTask {
                        for offset in 0..<3 { _ = try await writer.erase(tenant: "acme", subject: "p\(round * 3 + offset)") }
                    }
                    try await group.waitForAll()
                }
                for offset in 0..<3 {
                    #expect(try await Self.best(reader, faces[round * 3 + offset])?.subject != "p\(round * 3 + offset)")
                }
                #expect(try await reader.indexMatchesStore(tenant: "acme", pack: Self.pack).matches)
                await reader.close()
            }
        }
    }

    @Test("a process behind the pruned log rebuilds its copies from the tables")
    func prunedLogRebuilds() async throws {
        try await StoreHarness.with(.sqlite) { harness in
            let server = try await harness.openGallery()
            let cli = try await harness.openGallery()
            let yao = GalleryFixture.face(1)
            _ = try await Self.enroll(server, "yao", [yao])
            #expect(try await Self.best(server, yao)?.subject == "yao")
            _ = try await cli.erase(tenant: "acme", subject: "yao")
            _ = try await Self.enroll(cli, "lee", [GalleryFixture.face(2)])
            // As if the log had been pruned past what the server applied.
            let store = try #require(cli.store as? SQLiteStore)
            let head = try await store.changeHead()
            try await store.pool.write { db in
                try db.execute(sql: "DELETE FROM change_log WHERE sequence < ?", arguments: [head])
            }
            #expect(try await Self.best(server, yao)?.subject != "yao")
            #expect(try await Self.best(server, GalleryFixture.face(2))?.subject == "lee")
        }
    }

    @Test("between requests, PostgreSQL's notifications bring an erasure to another node's index at once",
        StoreHarness.needsPostgres)
    func notificationsBetweenRequests() async throws {
        try await StoreHarness.with(.postgres) { harness in
            // A periodic follow far slower than the wait below: only NOTIFY can explain the update.
            let node = try await harness.openGallery(followInterval: .seconds(600))
            let other = try await harness.openGallery(followInterval: .seconds(600))
            let yao = GalleryFixture.face(1)
            _ = try await Self.enroll(other, "yao", [yao])
            _ = try await Self.enroll(other, "lee", [GalleryFixture.face(2)])
            #expect(try await Self.best(node, yao)?.subject == "yao")
            let before = await node.appliedSequence
            _ = try await other.erase(tenant: "acme", subject: "yao")
            let head = try await other.store.changeHead()
            let deadline = ContinuousClock.now + .seconds(5)
            while await node.appliedSequence < head, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            let applied = await node.appliedSequence
            #expect(applied == head, "applied \(applied) of \(head) (from \(before))")
            let counts = await node.indexes.values.map(\.count)
            #expect(counts == [1])
        }
    }

    @Test("the same face enrolled under two ids through two processes at once: one enrolment, one duplicate",
        arguments: StoreKind.tested)
    func concurrentDuplicateAcrossProcesses(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let a = try await harness.openGallery()
            let b = try await harness.openGallery()
            _ = try await Self.enroll(a, "warm", [GalleryFixture.face(999)])
            _ = try await Self.best(b, GalleryFixture.face(999))
            for round in 0..<4 {
                let face = GalleryFixture.face(UInt64(500 + round))
                async let first = Self.enroll(a, "a\(round)", [face])
                async let second = Self.enroll(b, "b\(round)", [GalleryFixture.face(UInt64(500 + round))])
                let statuses = [try await first.status, try await second.status]
                #expect(statuses.filter { $0 == .enrolled }.count == 1, "round \(round): \(statuses)")
                #expect(statuses.filter { $0 == .possibleDuplicate }.count == 1, "round \(round): \(statuses)")
            }
        }
    }
}
