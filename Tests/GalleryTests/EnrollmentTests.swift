import Foundation
import Testing

@testable import Gallery

@Suite("Enrolment, search and sign-in")
struct EnrollmentTests {
    @Test("enrolment needs an active consent for the purpose")
    func consentRequired() async throws {
        let fixture = try await GalleryFixture()
        defer { fixture.remove() }
        await #expect(
            throws: GalleryError(
                .consentRequired, "subject alice has no active consent for identity_verification; record it first")
        ) {
            try await fixture.enroll("alice", [GalleryFixture.face(1)], consent: false)
        }
        #expect(try await fixture.gallery.subjects(tenant: "acme").isEmpty)
        let result = try await fixture.enroll("alice", [GalleryFixture.face(1)])
        #expect(result.status == .enrolled && result.templateIDs.count == 1)
    }

    @Test("search finds the right subject among many; sign-in fuses the two best templates")
    func searchAndVerify() async throws {
        let fixture = try await GalleryFixture()
        defer { fixture.remove() }
        for person in UInt64(1)...60 {
            let face = GalleryFixture.face(person)
            try await fixture.enroll(
                "p\(person)", [face, GalleryFixture.face(person + 1_000, near: face, noise: 0.8)])
        }
        for person in UInt64(1)...60 {
            let probe = GalleryFixture.face(person + 2_000, near: GalleryFixture.face(person), noise: 1)
            let candidates = try await fixture.gallery.search(
                tenant: "acme", pack: GalleryFixture.pack, vector: probe, k: 5, threshold: 0.28)
            #expect(candidates.first?.subject == "p\(person)")
            #expect(candidates.first?.match == true)
            #expect(candidates.count == 5 && Set(candidates.map(\.subject)).count == 5, "one row per subject")
            #expect(candidates.dropFirst().allSatisfy { !$0.match })
        }
        let probe = GalleryFixture.face(9_999, near: GalleryFixture.face(7), noise: 1)
        let genuine = try await fixture.gallery.verify(
            tenant: "acme", subject: "p7", pack: GalleryFixture.pack, vector: probe, threshold: 0.28)
        #expect(genuine.match && genuine.scores.count == 2)
        #expect(abs(genuine.similarity - (genuine.scores[0] + genuine.scores[1]) / 2) < 1e-3)
        let impostor = try await fixture.gallery.verify(
            tenant: "acme", subject: "p8", pack: GalleryFixture.pack, vector: probe, threshold: 0.28)
        #expect(!impostor.match)
        await #expect(throws: GalleryError.self) {
            try await fixture.gallery.verify(
                tenant: "acme", subject: "nobody", pack: GalleryFixture.pack, vector: probe, threshold: 0.28)
        }
        // Another tenant sees none of it.
        #expect(
            try await fixture.gallery.search(
                tenant: "other", pack: GalleryFixture.pack, vector: probe, k: 5, threshold: 0.28
            )
            .isEmpty)
        await #expect(throws: GalleryError.self) {
            try await fixture.gallery.verify(
                tenant: "other", subject: "p7", pack: GalleryFixture.pack, vector: probe, threshold: 0.28)
        }
    }

    @Test("a face already enrolled under another subject is reported, never merged silently")
    func duplicates() async throws {
        let fixture = try await GalleryFixture()
        defer { fixture.remove() }
        let face = GalleryFixture.face(42)
        try await fixture.enroll("original", [face])
        try await fixture.enroll("stranger", [GalleryFixture.face(43)])
        let again = GalleryFixture.face(44, near: face, noise: 1)  // cosine ≈ 0.7 to the first capture
        let rejected = try await fixture.enroll("alias", [again])
        #expect(rejected.status == .possibleDuplicate)
        #expect(rejected.templateIDs.isEmpty)
        #expect(rejected.duplicates.map(\.subject) == ["original"])
        #expect(try await fixture.gallery.details(tenant: "acme", subject: "alias").templates.isEmpty)
        let flagged = try await fixture.enroll("alias", [again], policy: .enrollAndFlag, consent: false)
        #expect(flagged.status == .flagged && flagged.templateIDs.count == 1)
        #expect(flagged.duplicates.map(\.subject) == ["original"])
        // The same subject adding another capture is not a duplicate of itself.
        let more = try await fixture.enroll("original", [GalleryFixture.face(45, near: face, noise: 1)], consent: false)
        #expect(more.status == .possibleDuplicate && more.duplicates.map(\.subject) == ["alias"])
        let actions = try await fixture.gallery.auditEvents(tenant: "acme").map(\.action)
        #expect(actions.contains("enroll.rejected"))
    }

    @Test("the same face enrolled under many new ids at once is stored once; the rest are duplicates")
    func concurrentDuplicates() async throws {
        let fixture = try await GalleryFixture()
        defer { fixture.remove() }
        let face = GalleryFixture.face(77)
        for n in 0..<8 {
            _ = try await fixture.gallery.grantConsent(
                tenant: "acme", subject: "id\(n)", purpose: Gallery.defaultPurpose, textVersion: "v1", text: "ok",
                evidence: nil)
        }
        let results = try await withThrowingTaskGroup(of: EnrollmentResult.self) { group in
            for n in 0..<8 {
                group.addTask {
                    try await fixture.enroll(
                        "id\(n)", [GalleryFixture.face(100 + UInt64(n), near: face, noise: 0.5)], consent: false)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.filter { $0.status == .enrolled }.count == 1)
        #expect(results.filter { $0.status == .possibleDuplicate }.count == 7)
    }

    @Test("bad input gets a clear error, and nothing is stored")
    func badInput() async throws {
        let fixture = try await GalleryFixture(requireConsent: false)
        defer { fixture.remove() }
        let cases: [[Float]] = [[], [Float](repeating: 0.1, count: 128), [Float](repeating: .nan, count: 512)]
        for vector in cases {
            await #expect(throws: GalleryError.self) { try await fixture.enroll("x", [vector], consent: false) }
        }
        for subject in ["", String(repeating: "a", count: 200), "line\nbreak"] {
            await #expect(throws: GalleryError.self) {
                try await fixture.enroll(subject, [GalleryFixture.face(1)], consent: false)
            }
        }
        await #expect(throws: GalleryError.self) {
            try await fixture.gallery.search(
                tenant: "acme", pack: GalleryFixture.pack, vector: GalleryFixture.face(1), k: 0, threshold: 0.3)
        }
        #expect(try await fixture.gallery.subjects(tenant: "acme").isEmpty)
    }

    @Test("the index is rebuilt from the store, matches it, and switches to the scan index when large")
    func indexFollowsStore() async throws {
        let fixture = try await GalleryFixture(requireConsent: false, approximateAbove: 1_000)
        defer { fixture.remove() }
        for person in UInt64(1)...1_200 {
            try await fixture.enroll(
                "p\(person)", [GalleryFixture.face(person)], policy: .enrollAndFlag, consent: false)
        }
        _ = try await fixture.gallery.erase(tenant: "acme", subject: "p5")
        let check = try await fixture.gallery.indexMatchesStore(tenant: "acme", pack: GalleryFixture.pack)
        #expect(check.matches && check.store == 1_199)
        let reopened = try await GalleryFixture.open(fixture.directory, requireConsent: false, approximateAbove: 1_000)
        let rebuilt = try await reopened.indexMatchesStore(tenant: "acme", pack: GalleryFixture.pack)
        #expect(rebuilt.matches && rebuilt.index == 1_199)
        #expect(try await reopened.usesScanIndex(tenant: "acme", pack: GalleryFixture.pack))
        for person in UInt64(1)...20 where person != 5 {
            let probe = GalleryFixture.face(person + 5_000, near: GalleryFixture.face(person), noise: 0.7)
            let top = try await reopened.search(
                tenant: "acme", pack: GalleryFixture.pack, vector: probe, k: 1, threshold: 0.3)
            #expect(top.first?.subject == "p\(person)")
        }
        let probe5 = GalleryFixture.face(5_005, near: GalleryFixture.face(5), noise: 0.7)
        let five = try await reopened.search(
            tenant: "acme", pack: GalleryFixture.pack, vector: probe5, k: 3, threshold: 0.3)
        #expect(!five.contains { $0.subject == "p5" })
    }
}
