import Foundation
import Testing

@testable import Gallery

/// The subject lifecycle means what it says, on every store: an erased id starts afresh,
/// revoking nothing erases nothing, grants are idempotent, and revocation erases a subject only
/// when its templates rest on consent.
@Suite("Subject lifecycle")
struct SubjectLifecycleTests {
    static func enroll(
        _ gallery: Gallery, _ subject: String, _ seed: UInt64, consent: Bool = true
    ) async throws -> EnrollmentResult {
        if consent {
            _ = try await gallery.grantConsent(
                tenant: "acme", subject: subject, purpose: Gallery.defaultPurpose, textVersion: "v1",
                text: "I agree.", evidence: nil)
        }
        return try await gallery.enroll(
            EnrollmentRequest(
                tenant: "acme", subject: subject, pack: GalleryFixture.pack,
                samples: [EnrollmentSample(vector: GalleryFixture.face(seed), quality: 0.9)],
                duplicateThreshold: 0.34))
    }

    @Test(
        "re-creating an erased id starts afresh: new created_at, no old consents, audit trail intact",
        arguments: StoreKind.tested)
    func recreateErased(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let gallery = try await harness.openGallery()
            let first = try await gallery.createSubject(
                tenant: "acme", subject: "yao", metadata: try SubjectMetadata(json: #"{"customer":42}"#))
            _ = try await Self.enroll(gallery, "yao", 1)
            _ = try await gallery.erase(tenant: "acme", subject: "yao")
            try await Task.sleep(for: .milliseconds(5))
            let again = try await gallery.createSubject(tenant: "acme", subject: "yao", metadata: nil)
            #expect(again.id == first.id, "the same row, so the ids the change log names stay valid")
            #expect(again.createdAt > first.createdAt)
            #expect(again.erasedAt == nil && again.metadata == nil && again.purgedAt == nil)
            let details = try await gallery.details(tenant: "acme", subject: "yao")
            #expect(details.consents.isEmpty && details.templates.isEmpty)
            // Granting a consent to an erased subject revives it afresh too.
            _ = try await gallery.erase(tenant: "acme", subject: "yao")
            let consent = try await gallery.grantConsent(
                tenant: "acme", subject: "yao", purpose: "fraud", textVersion: "v2", text: "Yes.", evidence: nil)
            let revived = try await gallery.details(tenant: "acme", subject: "yao")
            #expect(revived.consents == [consent])
            #expect(revived.subject.createdAt >= again.createdAt)
            let events = try await gallery.auditEvents(tenant: "acme")
            #expect(events.filter { $0.action == "consent.grant" }.count == 2, "the old grant stays in the trail")
            #expect(events.last?.details.contains(#""recreated":true"#) == true)
            #expect(try await gallery.verifyAudit().isIntact)
        }
    }

    @Test("revoking a purpose with no active consent is not_found and erases nothing", arguments: StoreKind.tested)
    func revokeNothing(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let gallery = try await harness.openGallery()
            _ = try await Self.enroll(gallery, "yao", 1)
            let before = try await gallery.auditEvents(tenant: "acme").count
            await #expect(throws: GalleryError(.notFound, "no active consent for marketing")) {
                _ = try await gallery.revokeConsent(tenant: "acme", subject: "yao", purpose: "marketing")
            }
            let details = try await gallery.details(tenant: "acme", subject: "yao")
            #expect(details.subject.erasedAt == nil && details.templates.count == 1)
            #expect(details.consents.allSatisfy { $0.isActive })
            #expect(try await gallery.auditEvents(tenant: "acme").count == before, "nothing recorded")
            await #expect(throws: GalleryError.self) {
                try await gallery.revokeConsent(tenant: "acme", subject: "nobody", purpose: Gallery.defaultPurpose)
            }
        }
    }

    @Test("granting the same purpose and text version while active is idempotent", arguments: StoreKind.tested)
    func idempotentGrant(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let gallery = try await harness.openGallery()
            let first = try await gallery.recordConsent(
                tenant: "acme", subject: "yao", purpose: "kyc", textVersion: "v1", text: "Yes.", evidence: nil)
            let second = try await gallery.recordConsent(
                tenant: "acme", subject: "yao", purpose: "kyc", textVersion: "v1", text: "Yes.", evidence: nil)
            #expect(first.created && !second.created && second.consent == first.consent)
            let newer = try await gallery.recordConsent(
                tenant: "acme", subject: "yao", purpose: "kyc", textVersion: "v2", text: "Yes!", evidence: nil)
            #expect(newer.created && newer.consent.id != first.consent.id)
            let consents = try await gallery.details(tenant: "acme", subject: "yao").consents
            #expect(consents.count == 2 && consents.allSatisfy { $0.isActive })
            #expect(
                try await gallery.auditEvents(tenant: "acme").filter { $0.action == "consent.grant" }.count == 2)
            // Once revoked, the same version may be granted again: a new record.
            _ = try await gallery.revokeConsent(tenant: "acme", subject: "yao", purpose: "kyc")
            let regranted = try await gallery.recordConsent(
                tenant: "acme", subject: "yao", purpose: "kyc", textVersion: "v1", text: "Yes.", evidence: nil)
            #expect(regranted.created)
        }
    }

    /// What revocation erases, for each way a subject can have been enrolled.
    @Test(
        "revocation erases a subject enrolled under consent, never one enrolled without required consent",
        arguments: StoreKind.tested)
    func revocationByEnrolment(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let withConsent = try await harness.openGallery(requireConsent: true)
            let withoutConsent = try await harness.openGallery(requireConsent: false)
            // 1. Consent recorded first, then enrolled (HTTP, `consent grant` + `enroll`).
            _ = try await Self.enroll(withConsent, "http", 1)
            // 2. Consent recorded with the enrolment (`enroll --consent`): the same two steps.
            _ = try await Self.enroll(withConsent, "cli-consent", 2)
            // 3. Enrolled under another legal basis (`enroll --no-consent-required`), a consent
            //    for something else recorded later.
            _ = try await Self.enroll(withoutConsent, "no-consent", 3, consent: false)
            _ = try await withConsent.grantConsent(
                tenant: "acme", subject: "no-consent", purpose: "newsletter", textVersion: "v1", text: "Ok.",
                evidence: nil)
            // 4. A consent recorded, then enrolled without requiring it: no template rests on
            //    the consent, so its withdrawal does not erase.
            _ = try await withConsent.grantConsent(
                tenant: "acme", subject: "basis-first", purpose: Gallery.defaultPurpose, textVersion: "v1",
                text: "Ok.", evidence: nil)
            _ = try await Self.enroll(withoutConsent, "basis-first", 4, consent: false)
            // 5. Enrolled without, then again under consent: now a template rests on it.
            _ = try await Self.enroll(withoutConsent, "mixed", 5, consent: false)
            _ = try await Self.enroll(withConsent, "mixed", 6)

            for (subject, required) in [
                ("http", true), ("cli-consent", true), ("no-consent", false), ("basis-first", false),
                ("mixed", true),
            ] {
                let record = try await withConsent.details(tenant: "acme", subject: subject).subject
                #expect(record.consentRequired == required, "\(subject)")
            }
            for subject in ["http", "cli-consent", "mixed"] {
                let (revoked, erasure) = try await withConsent.revokeConsent(
                    tenant: "acme", subject: subject, purpose: Gallery.defaultPurpose)
                #expect(revoked == 1 && erasure != nil, "\(subject)")
                #expect(try await withConsent.details(tenant: "acme", subject: subject).subject.erasedAt != nil)
            }
            for (subject, purpose) in [("no-consent", "newsletter"), ("basis-first", Gallery.defaultPurpose)] {
                let (revoked, erasure) = try await withConsent.revokeConsent(
                    tenant: "acme", subject: subject, purpose: purpose)
                #expect(revoked == 1 && erasure == nil, "\(subject)")
                let details = try await withConsent.details(tenant: "acme", subject: subject)
                #expect(details.subject.erasedAt == nil && details.templates.count == 1, "\(subject)")
            }
            // A subject whose other consent is still active is not erased either.
            _ = try await Self.enroll(withConsent, "two", 7)
            _ = try await withConsent.grantConsent(
                tenant: "acme", subject: "two", purpose: "fraud", textVersion: "v1", text: "Ok.", evidence: nil)
            let (_, kept) = try await withConsent.revokeConsent(tenant: "acme", subject: "two", purpose: "fraud")
            #expect(kept == nil)
            #expect(try await withConsent.verifyAudit().isIntact)
        }
    }
}
