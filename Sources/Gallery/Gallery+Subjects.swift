import Crypto
import Foundation
import Tokens

/// What the gallery holds about one subject, without any biometric data.
public struct SubjectDetails: Sendable, Equatable {
    public struct TemplateSummary: Sendable, Equatable, Codable {
        public var id: Int64
        public var pack: String
        public var quality: Double?
        public var createdAt: Date
        /// What enrolment raised about the face (reviewed or not).
        public var flags: [FaceFlag] = []
    }
    public var subject: Subject
    public var templates: [TemplateSummary]
    public var consents: [Consent]
}

/// What an erasure removed.
public struct ErasureReceipt: Sendable, Equatable, Codable {
    public var subject: String
    public var templatesDeleted: Int
    /// Whether the deleted bytes were already gone from the store's files when the erase
    /// returned; when false, the background purge finishes it and the subject's `purgedAt`
    /// says when.
    public var purged: Bool
}

extension Gallery {
    /// Subjects of a tenant in creation order, after the given internal id.
    public func subjects(tenant: String, afterID: Int64 = 0, limit: Int = 100) async throws -> [Subject] {
        let keys = try await keys(for: tenant, create: true)
        return try await store.subjects(tenantID: keys.tenant.id, afterID: afterID, limit: max(1, min(limit, 10_000)))
    }

    /// Creates a subject that does not exist yet. An erased id starts afresh: created now, with
    /// no consent records (the old ones are deleted; the audit trail keeps their grants and
    /// revocations), the same internal id.
    /// - Throws: `already_exists` when an active subject has that id.
    public func createSubject(tenant: String, subject: String, metadata: SubjectMetadata?) async throws -> Subject {
        try Gallery.validate(name: subject, what: "subject")
        let keys = try await keys(for: tenant, create: true)
        if let existing = try await store.subject(tenantID: keys.tenant.id, externalID: subject),
            existing.erasedAt == nil
        {
            throw GalleryError(.alreadyExists, "subject \(subject) exists")
        }
        let draft = AuditDraft(tenant: tenant, actor: actorName, action: "subject.create", subject: subject)
        return try await write { [signer, requireConsent = configuration.requireConsent] transaction in
            let now = Date()
            let stored = try await transaction.storeSubject(
                tenantID: keys.tenant.id, externalID: subject, metadata: metadata?.json,
                consentRequired: requireConsent, at: now)
            guard stored.outcome != .existing else {
                throw GalleryError(.alreadyExists, "subject \(subject) exists")
            }
            var draft = draft
            try await Gallery.startAfresh(stored, in: transaction, audit: &draft)
            _ = try await transaction.appendAudit(draft, signer: signer, at: now)
            return stored.subject
        }
    }

    /// For a subject just revived from erasure: deletes its old consent records, and notes it in
    /// the event that goes with it.
    static func startAfresh(_ stored: StoredSubject, in transaction: any StoreTransaction, audit: inout AuditDraft)
        async throws
    {
        guard stored.outcome == .revived else { return }
        let deleted = try await transaction.deleteConsents(subjectID: stored.subject.id)
        audit.details["recreated"] = .bool(true)
        audit.details["old_consents_deleted"] = .int(deleted)
    }

    /// Replaces a live subject's metadata (nil clears it).
    public func updateMetadata(tenant: String, subject: String, metadata: SubjectMetadata?) async throws -> Subject {
        let record = try await liveSubject(tenant: tenant, subject: subject)
        let draft = AuditDraft(
            tenant: tenant, actor: actorName, action: "subject.update", subject: subject,
            details: ["metadata_bytes": .int(metadata?.json.utf8.count ?? 0)])
        try await write { [signer] transaction in
            try await transaction.updateSubjectMetadata(record.id, metadata: metadata?.json)
            _ = try await transaction.appendAudit(draft, signer: signer)
        }
        var updated = record
        updated.metadata = metadata?.json
        return updated
    }

    /// A live subject of the tenant, or `not_found`.
    func liveSubject(tenant: String, subject: String) async throws -> Subject {
        let keys = try await keys(for: tenant, create: true)
        guard let record = try await store.subject(tenantID: keys.tenant.id, externalID: subject),
            record.erasedAt == nil
        else { throw GalleryError(.notFound, "no subject \(subject)") }
        return record
    }

    public func details(tenant: String, subject: String) async throws -> SubjectDetails {
        let keys = try await keys(for: tenant, create: true)
        guard let record = try await store.subject(tenantID: keys.tenant.id, externalID: subject) else {
            throw GalleryError(.notFound, "no subject \(subject)")
        }
        let flags = Dictionary(grouping: try await store.faceFlags(subjectID: record.id), by: \.templateID)
        let templates = try await store.templates(subjectID: record.id).map {
            SubjectDetails.TemplateSummary(
                id: $0.id, pack: $0.pack, quality: $0.quality, createdAt: $0.createdAt, flags: flags[$0.id] ?? [])
        }
        return SubjectDetails(
            subject: record, templates: templates, consents: try await store.consents(subjectID: record.id))
    }

    /// Erases a subject: its templates leave the store and every process's index, its consents
    /// are revoked, and an audit event without biometric data records it.
    ///
    /// When it returns, no search through any process that follows the store answers with the
    /// subject (each applies the logged removals before it answers). The deleted bytes are then
    /// purged from the store's files (see `ErasurePurger`): at once when the store allows it
    /// (`purged`), else in the background; a failed purge never undoes or fails the erasure.
    public func erase(tenant: String, subject: String, reason: String = "request") async throws -> ErasureReceipt {
        let keys = try await keys(for: tenant, create: true)
        guard let record = try await store.subject(tenantID: keys.tenant.id, externalID: subject),
            record.erasedAt == nil
        else { throw GalleryError(.notFound, "no subject \(subject)") }
        let draft = AuditDraft(
            tenant: tenant, actor: actorName, action: "erase", subject: subject, details: ["reason": .string(reason)])
        // What erasure means, for every store: the templates go, every consent is revoked, the
        // subject is marked erased and loses its metadata, the log tells every process, and one
        // event says how many templates went, all in one transaction.
        let removed = try await write { [signer] transaction in
            let now = Date()
            try await transaction.deleteFaceFlags(subjectID: record.id, templateIDs: nil)
            let removed = try await transaction.deleteTemplates(subjectID: record.id)
            for id in removed {
                try await transaction.appendChange(
                    NewChange(.templateRemoved, tenantID: keys.tenant.id, subjectID: record.id, templateID: id),
                    at: now)
            }
            try await transaction.appendChange(
                NewChange(.subjectErased, tenantID: keys.tenant.id, subjectID: record.id), at: now)
            _ = try await transaction.revokeConsents(subjectID: record.id, purpose: nil, at: now)
            try await transaction.updateSubject(record.id, erasedAt: now, metadata: nil)
            var draft = draft
            draft.details["templates_deleted"] = .int(removed.count)
            _ = try await transaction.appendAudit(draft, signer: signer, at: now)
            return removed
        }
        try await synchronize()
        let purged = await purgeSoon()
        return ErasureReceipt(subject: subject, templatesDeleted: removed.count, purged: purged)
    }

    /// Records a consent, creating the subject if needed; the active record when the subject
    /// already has one for the purpose and text version.
    public func grantConsent(
        tenant: String, subject: String, purpose: String, textVersion: String, text: String, evidence: String?
    ) async throws -> Consent {
        try await recordConsent(
            tenant: tenant, subject: subject, purpose: purpose, textVersion: textVersion, text: text,
            evidence: evidence
        ).consent
    }

    /// Records a consent, creating the subject if needed (an erased one starts afresh, see
    /// `createSubject`). Idempotent per purpose and text version: while a consent for both is
    /// active it is returned as it is (`created` false) and nothing is written.
    public func recordConsent(
        tenant: String, subject: String, purpose: String, textVersion: String, text: String, evidence: String?
    ) async throws -> (consent: Consent, created: Bool) {
        try Gallery.validate(name: subject, what: "subject")
        try Gallery.validate(name: purpose, what: "purpose")
        try Gallery.validate(name: textVersion, what: "consent text version")
        let keys = try await keys(for: tenant, create: true)
        let hash = Hex.string(SHA256.hash(data: Data(text.utf8)))
        let consent = NewConsent(purpose: purpose, textVersion: textVersion, textHash: hash, evidence: evidence)
        // The text itself is never stored or audited, only its hash.
        let draft = AuditDraft(
            tenant: tenant, actor: actorName, action: "consent.grant", subject: subject,
            details: [
                "purpose": .string(purpose), "text_version": .string(textVersion), "text_sha256": .string(hash),
            ])
        return try await write { [signer, requireConsent = configuration.requireConsent] transaction in
            let now = Date()
            let stored = try await transaction.storeSubject(
                tenantID: keys.tenant.id, externalID: subject, metadata: nil, consentRequired: requireConsent, at: now)
            if stored.outcome == .existing,
                let active = try await transaction.subjectConsents(stored.subject.id).first(where: {
                    $0.isActive && $0.purpose == purpose && $0.textVersion == textVersion
                })
            {
                return (active, false)
            }
            var draft = draft
            try await Gallery.startAfresh(stored, in: transaction, audit: &draft)
            let record = try await transaction.insertConsent(consent, subjectID: stored.subject.id, at: now)
            _ = try await transaction.appendAudit(draft, signer: signer, at: now)
            return (record, true)
        }
    }

    /// Revokes a subject's active consent for a purpose. When the subject's consent is required
    /// (`Subject.consentRequired`: it was not enrolled under another legal basis) and no active
    /// consent remains, for any purpose, the subject is erased: its templates may no longer be
    /// used.
    /// - Throws: `not_found` when the subject has no active consent for the purpose; nothing is
    ///   revoked or erased then.
    public func revokeConsent(tenant: String, subject: String, purpose: String) async throws -> (
        revoked: Int, erasure: ErasureReceipt?
    ) {
        let keys = try await keys(for: tenant, create: true)
        let record = try await liveSubject(tenant: tenant, subject: subject)
        let draft = AuditDraft(
            tenant: tenant, actor: actorName, action: "consent.revoke", subject: subject,
            details: ["purpose": .string(purpose)])
        let revoked = try await write { [signer] transaction in
            let now = Date()
            let revoked = try await transaction.revokeConsents(subjectID: record.id, purpose: purpose, at: now)
            guard revoked > 0 else {
                throw GalleryError(.notFound, "no active consent for \(purpose)")
            }
            try await transaction.appendChange(
                NewChange(.consentWithdrawn, tenantID: keys.tenant.id, subjectID: record.id), at: now)
            var draft = draft
            draft.details["revoked"] = .int(revoked)
            _ = try await transaction.appendAudit(draft, signer: signer, at: now)
            return revoked
        }
        guard record.consentRequired, try await !store.consents(subjectID: record.id).contains(where: \.isActive)
        else { return (revoked, nil) }
        let receipt = try await erase(tenant: tenant, subject: subject, reason: "consent withdrawn")
        return (revoked, receipt)
    }
}
