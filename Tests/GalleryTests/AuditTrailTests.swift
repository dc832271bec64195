import Foundation
import Testing

@testable import Gallery

@Suite("Audit trail")
struct AuditTrailTests {
    /// A gallery with a few events of every kind.
    func populated() async throws -> GalleryFixture {
        let fixture = try await GalleryFixture()
        for person in UInt64(1)...3 { try await fixture.enroll("p\(person)", [GalleryFixture.face(person)]) }
        _ = try await fixture.gallery.search(
            tenant: "acme", pack: GalleryFixture.pack, vector: GalleryFixture.face(1), k: 3, threshold: 0.3)
        _ = try await fixture.gallery.erase(tenant: "acme", subject: "p2")
        return fixture
    }

    @Test("every action appends a linked event; an untouched trail verifies")
    func intact() async throws {
        let fixture = try await populated()
        defer { fixture.remove() }
        let events = try await fixture.gallery.auditEvents(tenant: nil)
        #expect(
            events.map(\.action) == [
                "consent.grant", "enroll", "consent.grant", "enroll", "consent.grant", "enroll", "search", "erase",
            ])
        #expect(events.map(\.sequence) == Array(1...8))
        #expect(zip(events.dropFirst(), events).allSatisfy { $0.previousHash == $1.hash })
        let result = try await fixture.gallery.verifyAudit()
        #expect(result.isIntact && result.events == 8)
    }

    @Test("an edited event is named")
    func edited() async throws {
        let fixture = try await populated()
        defer { fixture.remove() }
        try await fixture.tamper("UPDATE audit_event SET subject = 'someone-else' WHERE sequence = 4")
        let result = try await fixture.gallery.verifyAudit()
        #expect(result.problems.map(\.kind) == [.edited])
        #expect(result.problems.map(\.sequence) == [4])
    }

    @Test("a tenant-scoped check lists the breaks at that tenant's events and only counts the others")
    func tenantScoped() async throws {
        let fixture = try await populated()
        defer { fixture.remove() }
        try await fixture.enroll("q1", [GalleryFixture.face(9)], tenant: "globex")
        let globexEvents = try await fixture.gallery.auditEvents(tenant: "globex")
        let globexSequence = try #require(globexEvents.last?.sequence)
        let intact = try await fixture.gallery.verifyAudit(tenant: "acme")
        #expect(intact.verification.isIntact && intact.tenantProblems.isEmpty && intact.otherProblems == 0)

        try await fixture.tamper("UPDATE audit_event SET subject = 'someone-else' WHERE sequence = 4")
        try await fixture.tamper("UPDATE audit_event SET actor = 'intruder' WHERE sequence = \(globexSequence)")
        let acme = try await fixture.gallery.verifyAudit(tenant: "acme")
        #expect(!acme.verification.isIntact)
        #expect(acme.tenantProblems.map(\.sequence) == [4])
        #expect(acme.otherProblems == 1)
        let globex = try await fixture.gallery.verifyAudit(tenant: "globex")
        #expect(globex.tenantProblems.map(\.sequence) == [globexSequence])
        #expect(globex.otherProblems == 1)
        let nobody = try await fixture.gallery.verifyAudit(tenant: "initech")
        #expect(nobody.tenantProblems.isEmpty && nobody.otherProblems == 2 && !nobody.verification.isIntact)
    }

    @Test("a deleted event is named by the event after the gap")
    func deleted() async throws {
        let fixture = try await populated()
        defer { fixture.remove() }
        try await fixture.tamper("DELETE FROM audit_event WHERE sequence = 5")
        let result = try await fixture.gallery.verifyAudit()
        #expect(result.problems.map(\.kind) == [.deleted])
        #expect(result.problems.map(\.sequence) == [6])
    }

    @Test("an inserted event is named, even when later events were renumbered around it")
    func inserted() async throws {
        let fixture = try await populated()
        defer { fixture.remove() }
        try await fixture.tamper(
            """
            UPDATE audit_event SET sequence = sequence + 100 WHERE sequence >= 3;
            UPDATE audit_event SET sequence = sequence - 99 WHERE sequence >= 103;
            INSERT INTO audit_event (sequence, time_ms, tenant, actor, action, subject, details, previous_hash, hash)
            SELECT 3, time_ms, tenant, 'intruder', 'enroll', 'fake', '{}', hash, randomblob(32)
            FROM audit_event WHERE sequence = 2;
            """)
        let result = try await fixture.gallery.verifyAudit()
        #expect(result.events == 9)
        #expect(result.problems.map(\.kind) == [.inserted])
        #expect(result.problems.map(\.sequence) == [3])
    }

    @Test("an event forged at the end, and one whose MAC was recomputed without the key, fail")
    func forged() async throws {
        let fixture = try await populated()
        defer { fixture.remove() }
        try await fixture.tamper(
            """
            INSERT INTO audit_event (sequence, time_ms, tenant, actor, action, subject, details, previous_hash, hash)
            SELECT 9, time_ms, tenant, 'intruder', 'erase', 'p1', '{}', hash, randomblob(32)
            FROM audit_event WHERE sequence = 8;
            """)
        let result = try await fixture.gallery.verifyAudit()
        #expect(result.problems.map(\.kind) == [.edited])
        #expect(result.problems.map(\.sequence) == [9])
    }

    @Test("events cut off the end are reported as truncated against the head anchored beside the key")
    func truncated() async throws {
        let fixture = try await populated()
        defer { fixture.remove() }
        let headFile = fixture.directory.appendingPathComponent("master.key.audit-head")
        #expect(FileManager.default.fileExists(atPath: headFile.path))
        let before = try await fixture.gallery.verifyAudit()
        #expect(before.isIntact)
        #expect(before.head?.state == .current && before.head?.sequence == 8)

        try await fixture.tamper("DELETE FROM audit_event WHERE sequence >= 7")
        let after = try await fixture.gallery.verifyAudit()
        #expect(after.problems.map(\.kind) == [.truncated])
        #expect(after.problems.map(\.sequence) == [8])
        #expect(after.head?.state == .truncated)
        // It concerns every tenant, so a tenant-scoped check lists it too.
        let scoped = try await fixture.gallery.verifyAudit(tenant: "globex")
        #expect(scoped.tenantProblems.map(\.kind) == [.truncated])

        // New events after the cut do not move the head back, nor hide the cut.
        _ = try await fixture.gallery.search(
            tenant: "acme", pack: GalleryFixture.pack, vector: GalleryFixture.face(1), k: 3, threshold: 0.3)
        _ = try await fixture.gallery.search(
            tenant: "acme", pack: GalleryFixture.pack, vector: GalleryFixture.face(1), k: 3, threshold: 0.3)
        let regrown = try await fixture.gallery.verifyAudit()
        #expect(regrown.events == 8)
        #expect(regrown.problems.map(\.kind) == [.truncated])
    }

    @Test("a missing head file is reported and is no break; an edited one is a break")
    func headFileStates() async throws {
        let fixture = try await populated()
        defer { fixture.remove() }
        let headFile = fixture.directory.appendingPathComponent("master.key.audit-head")
        try FileManager.default.removeItem(at: headFile)
        let missing = try await fixture.gallery.verifyAudit()
        #expect(missing.isIntact && missing.head?.state == .missing)

        // The next append writes it again, mode 0600.
        _ = try await fixture.gallery.search(
            tenant: "acme", pack: GalleryFixture.pack, vector: GalleryFixture.face(1), k: 3, threshold: 0.3)
        let rewritten = try await fixture.gallery.verifyAudit()
        #expect(rewritten.isIntact && rewritten.head?.state == .current && rewritten.head?.sequence == 9)
        let mode = try FileManager.default.attributesOfItem(atPath: headFile.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        // A head claiming more than was written, without the key to sign it.
        var object = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: headFile)) as? [String: Any])
        object["sequence"] = 5
        try JSONSerialization.data(withJSONObject: object).write(to: headFile)
        let edited = try await fixture.gallery.verifyAudit()
        #expect(edited.problems.map(\.kind) == [.headInvalid])
        #expect(edited.head?.state == .invalid)
    }

    @Test("a chain that goes on past the head (another node appended) is behind, not broken")
    func headBehind() async throws {
        let fixture = try await populated()
        defer { fixture.remove() }
        // Another "node": the same database, its head file elsewhere.
        let elsewhere = fixture.directory.appendingPathComponent("node-b.audit-head")
        var configuration = GalleryConfiguration()
        configuration.auditHeadFile = elsewhere
        let master = try MasterKey.load(
            file: fixture.directory.appendingPathComponent("master.key"), environment: [:], create: false)
        let nodeB = try await Gallery(store: fixture.gallery.store, masterKey: master, configuration: configuration)
        _ = try await nodeB.search(
            tenant: "acme", pack: GalleryFixture.pack, vector: GalleryFixture.face(1), k: 3, threshold: 0.3)
        let seenByA = try await fixture.gallery.verifyAudit()
        #expect(seenByA.isIntact && seenByA.head?.state == .behind && seenByA.head?.sequence == 8)
        let seenByB = try await nodeB.verifyAudit()
        #expect(seenByB.isIntact && seenByB.head?.state == .current && seenByB.head?.sequence == 9)
    }
}
