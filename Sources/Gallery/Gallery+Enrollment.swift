import Foundation

extension Gallery {
    /// The purpose enrolment consent covers unless another is named.
    public static let defaultPurpose = "identity_verification"

    /// Adds faces to a subject after checking consent and searching for the same face under
    /// other subjects; a duplicate is never merged silently.
    ///
    /// The duplicate search sees every enrolment committed before the call, through any
    /// process. When another process rotated the tenant's key meanwhile, the transaction
    /// refuses the stale key and the enrolment is sealed again under the new one.
    public func enroll(_ request: EnrollmentRequest) async throws -> EnrollmentResult {
        guard !request.samples.isEmpty, request.samples.count <= 100 else {
            throw GalleryError(.invalidArgument, "enrol 1 to 100 faces at a time")
        }
        try Gallery.validate(name: request.subject, what: "subject")
        for sample in request.samples { try checkDimension(sample.vector) }
        let tenantID = try await keys(for: request.tenant, create: true).tenant.id
        // One enrolment per tenant at a time: otherwise two requests enrolling the same face
        // under two new ids could both pass the duplicate search before either is stored.
        await lockEnrollment(tenantID: tenantID)
        defer { unlockEnrollment(tenantID: tenantID) }
        var attempt = 0
        while true {
            attempt += 1
            do {
                try await synchronize()
                return try await enrollOnce(request)
            } catch let stale as StaleKeys where attempt < 8 {
                forgetTenantKeys(stale.tenantID)
            } catch is ConcurrentEnrollment where attempt < 8 {
                continue  // another process enrolled meanwhile: search its templates too
            }
        }
    }

    private func enrollOnce(_ request: EnrollmentRequest) async throws -> EnrollmentResult {
        let keys = try await keys(for: request.tenant, create: true)
        let existing = try await store.subject(tenantID: keys.tenant.id, externalID: request.subject)
        if configuration.requireConsent {
            var consents: [Consent] = []
            if let existing { consents = try await store.consents(subjectID: existing.id) }
            guard existing?.erasedAt == nil, consents.contains(where: { $0.isActive && $0.purpose == request.purpose })
            else {
                throw GalleryError(
                    .consentRequired,
                    "subject \(request.subject) has no active consent for \(request.purpose); record it first")
            }
        }
        let index = try await index(for: keys, pack: request.pack)
        let checkedUpTo = appliedSequence
        let protected = request.samples.map { keys.transform.apply($0.vector) }
        let duplicates = try Gallery.findDuplicates(
            of: protected, in: index, excluding: request.subject, threshold: request.duplicateThreshold)
        var details: [String: AuditValue] = [
            "pack": .string(request.pack), "faces": .int(request.samples.count),
            "duplicate_threshold": .double(request.duplicateThreshold), "policy": .string(request.policy.rawValue),
        ]
        if !duplicates.isEmpty { details["duplicates"] = .strings(duplicates.map(\.subject)) }
        if !duplicates.isEmpty && request.policy == .reject {
            try await record(
                AuditDraft(
                    tenant: request.tenant, actor: actorName, action: "enroll.rejected",
                    subject: request.subject, details: details))
            return EnrollmentResult(
                status: .possibleDuplicate, subject: request.subject, templateIDs: [], duplicates: duplicates)
        }
        details["flagged"] = .bool(!duplicates.isEmpty)
        var hadTemplates = false
        if let existing, existing.erasedAt == nil {
            hadTemplates = try await !store.templates(subjectID: existing.id).isEmpty
        }
        let stored = try await write {
            [signer, details, actor = actorName, requireConsent = configuration.requireConsent, hadTemplates]
            transaction in
            // The subject is created (or revived) with its templates, their changes and their
            // event, or not at all; and only under the tenant's current key.
            let now = Date()
            let version = try await transaction.tenantKeyVersion(keys.tenant.id)
            guard version == keys.tenant.keyVersion else {
                throw StaleKeys(tenantID: keys.tenant.id, stored: version ?? 0, held: keys.tenant.keyVersion)
            }
            // Under the store's write lock: if another process stored templates of this tenant
            // after the duplicate search's view, search again with them (the in-process lock
            // cannot see other processes).
            if try await transaction.templatesAdded(tenantID: keys.tenant.id, after: checkedUpTo) {
                throw ConcurrentEnrollment()
            }
            let upserted = try await transaction.storeSubject(
                tenantID: keys.tenant.id, externalID: request.subject, metadata: request.metadata,
                consentRequired: requireConsent, at: now)
            let subject = upserted.subject
            var details = details
            var startDraft = AuditDraft(tenant: request.tenant, actor: actor, action: "enroll")
            try await Gallery.startAfresh(upserted, in: transaction, audit: &startDraft)
            details.merge(startDraft.details) { current, _ in current }
            // The legal basis of the subject's templates: an enrolment under required consent
            // makes withdrawal erase the subject; one without (another basis) makes it stay,
            // unless templates enrolled under consent are there already.
            let consentRequired = hadTemplates ? (subject.consentRequired || requireConsent) : requireConsent
            if upserted.outcome == .existing, consentRequired != subject.consentRequired {
                try await transaction.updateSubjectConsentRequired(subject.id, consentRequired)
            }
            var stored: [Template] = []
            for (vector, sample) in zip(protected, request.samples) {
                // Sealed here because the subject's ids are part of each template's authenticated context.
                let template = NewTemplate(
                    pack: request.pack,
                    sealed: try keys.seal(
                        vector, subjectID: subject.id, externalID: subject.externalID, pack: request.pack),
                    quality: sample.quality, keyVersion: keys.tenant.keyVersion)
                let row = try await transaction.insertTemplate(template, subjectID: subject.id, at: now)
                try await transaction.appendChange(
                    NewChange(.templateAdded, tenantID: keys.tenant.id, subjectID: subject.id, templateID: row.id),
                    at: now)
                if !duplicates.isEmpty {
                    try await transaction.insertFaceFlag(
                        NewFaceFlag(
                            tenantID: keys.tenant.id, subjectID: subject.id, templateID: row.id,
                            code: .possibleDuplicate, duplicates: duplicates),
                        at: now)
                }
                stored.append(row)
            }
            details["templates"] = .strings(stored.map { String($0.id) })
            _ = try await transaction.appendAudit(
                AuditDraft(
                    tenant: request.tenant, actor: actor, action: "enroll", subject: request.subject, details: details),
                signer: signer, at: now)
            return stored
        }
        // The index learns of the new templates as every other process does: from the log.
        try await synchronize()
        return EnrollmentResult(
            status: duplicates.isEmpty ? .enrolled : .flagged, subject: request.subject,
            templateIDs: stored.map(\.id), duplicates: duplicates)
    }

    /// Other subjects that any of the (protected) vectors matches at `threshold`, best first.
    static func findDuplicates(
        of vectors: [[Float]], in index: TemplateIndex, excluding subject: String, threshold: Double
    ) throws -> [DuplicateFinding] {
        var best: [String: Float] = [:]
        for vector in vectors {
            for (hit, owner) in try index.search(vector, k: 10) where Double(hit.similarity) >= threshold {
                guard owner.externalID != subject else { continue }
                best[owner.externalID] = max(best[owner.externalID] ?? -1, hit.similarity)
            }
        }
        return best.map { DuplicateFinding(subject: $0.key, similarity: Gallery.rounded($0.value)) }
            .sorted { $0.similarity > $1.similarity }
    }

    static func rounded(_ value: Float) -> Double { (Double(value) * 10_000).rounded() / 10_000 }
}

extension Gallery {
    func lockEnrollment(tenantID: Int64) async {
        guard enrollingTenants.contains(tenantID) else {
            enrollingTenants.insert(tenantID)
            return
        }
        await withCheckedContinuation { enrollmentWaiters[tenantID, default: []].append($0) }
    }

    /// Hands the lock to the next waiter, if any, so it never appears free in between.
    func unlockEnrollment(tenantID: Int64) {
        if var waiters = enrollmentWaiters[tenantID], !waiters.isEmpty {
            let next = waiters.removeFirst()
            enrollmentWaiters[tenantID] = waiters.isEmpty ? nil : waiters
            next.resume()
        } else {
            enrollingTenants.remove(tenantID)
        }
    }
}

extension Gallery {
    /// Throws `consent_required` when enrolment needs consent and the subject has no active
    /// consent for `purpose`; callers check this before spending time on inference.
    public func checkConsent(tenant: String, subject: String, purpose: String) async throws {
        guard configuration.requireConsent else { return }
        try Gallery.validate(name: subject, what: "subject")
        let keys = try await keys(for: tenant, create: true)
        let record = try await store.subject(tenantID: keys.tenant.id, externalID: subject)
        var consents: [Consent] = []
        if let record, record.erasedAt == nil { consents = try await store.consents(subjectID: record.id) }
        guard consents.contains(where: { $0.isActive && $0.purpose == purpose }) else {
            throw GalleryError(
                .consentRequired, "subject \(subject) has no active consent for \(purpose); record it first")
        }
    }
}

/// Templates of the tenant were stored by another process after an enrolment's duplicate search
/// read the index: the enrolment searches again before it stores anything.
struct ConcurrentEnrollment: Error {}
