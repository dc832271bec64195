import Foundation

/// What the erasure of one face removed.
public struct FaceErasureReceipt: Sendable, Equatable {
    public var subject: String
    public var face: Int64
    public var templatesDeleted: Int
    /// Whether the deleted bytes were already gone from the store's files when the erase
    /// returned (else the background purge finishes it).
    public var purged: Bool
}

extension Gallery {
    /// A live subject's faces (template summaries, never vectors) with their flags.
    public func faces(tenant: String, subject: String) async throws -> [SubjectDetails.TemplateSummary] {
        let details = try await details(tenant: tenant, subject: subject)
        guard details.subject.erasedAt == nil else { throw GalleryError(.notFound, "no subject \(subject)") }
        return details.templates
    }

    /// Erases one face of a live subject, with the guarantees of `erase(tenant:subject:reason:)`:
    /// the template and its flags are deleted and its removal logged for every process in one
    /// transaction with a `face.erase` event (ids and reason, no biometric data); when it
    /// returns no search through any process answers with it; its bytes are purged soon. The
    /// subject stays, with or without faces left.
    /// - Throws: `not_found` when the subject is not live or the face is not one of its faces.
    public func eraseFace(tenant: String, subject: String, face: Int64, reason: String = "request") async throws
        -> FaceErasureReceipt
    {
        let keys = try await keys(for: tenant, create: true)
        let record = try await liveSubject(tenant: tenant, subject: subject)
        let draft = AuditDraft(
            tenant: tenant, actor: actorName, action: "face.erase", subject: subject,
            details: ["face": .int(Int(face)), "reason": .string(reason)])
        try await write { [signer] transaction in
            let now = Date()
            try await transaction.deleteFaceFlags(subjectID: record.id, templateIDs: [face])
            guard try await transaction.deleteTemplate(face, subjectID: record.id) else {
                throw GalleryError(.notFound, "subject \(subject) has no face \(face)")
            }
            try await transaction.insertFaceErasure(templateID: face, subjectID: record.id, at: now)
            try await transaction.appendChange(
                NewChange(.templateRemoved, tenantID: keys.tenant.id, subjectID: record.id, templateID: face), at: now)
            _ = try await transaction.appendAudit(draft, signer: signer, at: now)
        }
        try await synchronize()
        let purged = await purgeSoon()
        return FaceErasureReceipt(subject: subject, face: face, templatesDeleted: 1, purged: purged)
    }
}
