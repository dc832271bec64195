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
}
