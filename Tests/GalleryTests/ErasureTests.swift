import Foundation
import Testing

@testable import Gallery

@Suite("Erasure")
struct ErasureTests {
    @Test("erasing a subject leaves nothing of its templates in the store, the files or the index")
    func eraseLeavesNothing() async throws {
        let fixture = try await GalleryFixture()
        defer { fixture.remove() }
        let face = GalleryFixture.face(7)
        for person in UInt64(1)...10 where person != 7 {
            try await fixture.enroll("p\(person)", [GalleryFixture.face(person)])
        }
        try await fixture.enroll("leaving", [face, GalleryFixture.face(70, near: face, noise: 0.6)])
        let keys = try await fixture.gallery.keys(for: "acme", create: false)
        let subject = try #require(
            try await fixture.gallery.store.subject(tenantID: keys.tenant.id, externalID: "leaving"))
        let sealed = try await fixture.gallery.store.templates(subjectID: subject.id).map(\.sealed)
        #expect(sealed.count == 2)
        #expect(sealed.allSatisfy { fixture.databaseBytes().range(of: $0.suffix(32)) != nil }, "the check can fail")

        let receipt = try await fixture.gallery.erase(tenant: "acme", subject: "leaving")
        #expect(receipt.templatesDeleted == 2 && receipt.purged)
        #expect(try await fixture.gallery.store.templates(subjectID: subject.id).isEmpty)
        let bytes = fixture.databaseBytes()
        for blob in sealed {
            for start in stride(from: 0, to: blob.count - 16, by: 16) {
                #expect(bytes.range(of: blob[(blob.startIndex + start)..<(blob.startIndex + start + 16)]) == nil)
            }
        }
        let details = try await fixture.gallery.details(tenant: "acme", subject: "leaving")
        #expect(details.subject.erasedAt != nil && details.templates.isEmpty)
        #expect(details.consents.allSatisfy { !$0.isActive })
        let check = try await fixture.gallery.indexMatchesStore(tenant: "acme", pack: GalleryFixture.pack)
        #expect(check.matches && check.index == 9)
        let candidates = try await fixture.gallery.search(
            tenant: "acme", pack: GalleryFixture.pack, vector: GalleryFixture.face(71, near: face, noise: 0.6), k: 10,
            threshold: 0.3)
        #expect(!candidates.contains { $0.subject == "leaving" } && !candidates.contains(where: \.match))
        let event = try #require(try await fixture.gallery.auditEvents(tenant: "acme").last { $0.action == "erase" })
        #expect(event.subject == "leaving")
        #expect(event.details.utf8.count < 200, "the event holds counts and a reason, no biometric data")
        #expect(try await fixture.gallery.verifyAudit().isIntact)
        await #expect(throws: GalleryError.self) { try await fixture.gallery.erase(tenant: "acme", subject: "leaving") }
    }

    @Test("withdrawing the last consent erases the subject's templates")
    func consentWithdrawal() async throws {
        let fixture = try await GalleryFixture()
        defer { fixture.remove() }
        try await fixture.enroll("bob", [GalleryFixture.face(3)])
        let (revoked, erasure) = try await fixture.gallery.revokeConsent(
            tenant: "acme", subject: "bob", purpose: Gallery.defaultPurpose)
        #expect(revoked == 1)
        #expect(erasure?.templatesDeleted == 1)
        let top = try await fixture.gallery.search(
            tenant: "acme", pack: GalleryFixture.pack, vector: GalleryFixture.face(3), k: 1, threshold: 0.3)
        #expect(top.isEmpty)
        await #expect(throws: GalleryError.self) {
            try await fixture.enroll("bob", [GalleryFixture.face(3)], consent: false)
        }
    }
}
