import Foundation

/// A page of faces flagged as possible duplicates and not yet reviewed.
public struct DuplicateReviewPage: Sendable, Equatable {
    public var flags: [FaceFlag]
    /// Pass as `after` for the next page; nil on the last page.
    public var next: Int64?
}

extension Gallery {
    /// Faces of the tenant flagged as possible duplicates and not yet resolved, in face order,
    /// after face `after`, at most `limit` (1…1000). A face deleted or erased leaves the list.
    public func duplicateReview(tenant: String, after: Int64 = 0, limit: Int = 100) async throws
        -> DuplicateReviewPage
    {
        guard (1...Gallery.maximumPageSize).contains(limit) else {
            throw GalleryError(.invalidArgument, "limit must be in 1...\(Gallery.maximumPageSize)")
        }
        guard after >= 0 else { throw GalleryError(.invalidArgument, "after must be a face id ≥ 0") }
        let keys = try await keys(for: tenant, create: true)
        var flags = try await store.openFaceFlags(tenantID: keys.tenant.id, afterTemplateID: after, limit: limit + 1)
        let more = flags.count > limit
        if more { flags.removeLast(flags.count - limit) }
        return DuplicateReviewPage(flags: flags, next: more ? flags.last?.templateID : nil)
    }

    /// Marks a face's open possible-duplicate flag reviewed with `resolution` (nothing is merged
    /// or erased), with a `review.resolve` event; returns the flag as it is now.
    /// - Throws: `not_found` when the tenant has no open flag on that face.
    public func resolveDuplicate(tenant: String, face: Int64, resolution: FaceFlag.Resolution) async throws
        -> FaceFlag
    {
        let keys = try await keys(for: tenant, create: true)
        guard face > 0,
            var flag = try await store.openFaceFlags(tenantID: keys.tenant.id, afterTemplateID: face - 1, limit: 1)
                .first, flag.templateID == face
        else { throw GalleryError(.notFound, "no open possible-duplicate flag on face \(face)") }
        let draft = AuditDraft(
            tenant: tenant, actor: actorName, action: "review.resolve", subject: flag.subject,
            details: ["face": .int(Int(face)), "resolution": .string(resolution.rawValue)])
        let now = Date(storeMilliseconds: Date().storeMilliseconds)
        try await write { [signer] transaction in
            let resolved = try await transaction.resolveFaceFlags(
                tenantID: keys.tenant.id, templateID: face, resolution: resolution, at: now)
            guard resolved > 0 else {
                throw GalleryError(.notFound, "no open possible-duplicate flag on face \(face)")
            }
            _ = try await transaction.appendAudit(draft, signer: signer, at: now)
        }
        flag.reviewedAt = now
        flag.resolution = resolution
        return flag
    }
}
