import Foundation

/// The storage primitives a `GalleryStore` offers inside one of its transactions.
///
/// Each writes or reads rows and nothing else: no primitive appends an audit event or touches
/// a table other than its own. Times are stored to the millisecond; records returned carry the
/// stored time, so they equal what a later read returns.
public protocol StoreTransaction: Sendable {
    // Keys and tenants
    /// Stores a wrapped secret unless one by that name exists; returns the stored one.
    func insertSecretIfAbsent(named name: String, wrapped: Data) async throws -> Data
    /// Replaces a wrapped secret.
    func updateSecret(named name: String, wrapped: Data) async throws
    /// Creates a tenant unless one of that name exists; returns the stored one.
    func insertTenantIfAbsent(named name: String, wrappedKey: Data, at time: Date) async throws -> Tenant
    /// Replaces a tenant's wrapped data key; with `newVersion`, its key version goes up by one.
    func updateTenantKey(_ tenantID: Int64, wrappedKey: Data, newVersion: Bool) async throws

    // Subjects and templates
    /// Creates a subject; an erased one starts afresh (created now, with `metadata` and
    /// `consentRequired`, not erased, the same internal id); a live one is returned with its
    /// `metadata` replaced unless it is nil (and its consent rule unchanged).
    func storeSubject(
        tenantID: Int64, externalID: String, metadata: String?, consentRequired: Bool, at time: Date
    ) async throws -> StoredSubject
    /// Replaces a live subject's metadata (nil clears it).
    func updateSubjectMetadata(_ subjectID: Int64, metadata: String?) async throws
    /// Sets whether withdrawing the subject's last consent erases it.
    func updateSubjectConsentRequired(_ subjectID: Int64, _ required: Bool) async throws
    /// Sets a subject's erasure time and metadata.
    func updateSubject(_ subjectID: Int64, erasedAt: Date?, metadata: String?) async throws
    /// Stores one template and returns it with its id.
    func insertTemplate(_ template: NewTemplate, subjectID: Int64, at time: Date) async throws -> Template
    /// Replaces the sealed bytes and key version of templates by id.
    func updateTemplates(sealed: [Int64: Data], keyVersion: Int) async throws
    /// Deletes every template of a subject; returns their ids in order.
    func deleteTemplates(subjectID: Int64) async throws -> [Int64]
    /// Deletes one template if it is the subject's; returns whether it was.
    func deleteTemplate(_ templateID: Int64, subjectID: Int64) async throws -> Bool
    /// Records that a template was erased on its own, so the purge covers its bytes.
    func insertFaceErasure(templateID: Int64, subjectID: Int64, at time: Date) async throws

    // Flags raised at enrolment
    /// Stores a flag on a template.
    func insertFaceFlag(_ flag: NewFaceFlag, at time: Date) async throws
    /// Deletes the flags of a subject's templates (all of them, or those in `templateIDs`).
    func deleteFaceFlags(subjectID: Int64, templateIDs: [Int64]?) async throws
    /// Marks a tenant's unreviewed flags on a template reviewed; returns how many.
    func resolveFaceFlags(tenantID: Int64, templateID: Int64, resolution: FaceFlag.Resolution, at time: Date)
        async throws -> Int

    // Consents and API keys
    /// Stores a consent and returns it with its id.
    func insertConsent(_ consent: NewConsent, subjectID: Int64, at time: Date) async throws -> Consent
    /// Deletes every consent record of a subject (an erased subject started afresh); returns how many.
    func deleteConsents(subjectID: Int64) async throws -> Int
    /// Marks a subject's active consents revoked, for one purpose or for all (nil); returns how many.
    func revokeConsents(subjectID: Int64, purpose: String?, at time: Date) async throws -> Int
    /// Stores an API key and returns it.
    func insertAPIKey(_ key: NewAPIKey, at time: Date) async throws -> APIKey
    /// Marks an active key revoked; false when no active key has that id.
    func revokeAPIKey(id: String, at time: Date) async throws -> Bool
    /// Every key's id and stored secret hash, in id order (for the key-format upgrade).
    func apiKeyHashes() async throws -> [(id: String, secretHash: Data)]
    /// Replaces a key's stored secret hash.
    func updateAPIKeyHash(id: String, secretHash: Data) async throws

    // Reads that must see the transaction's own view (under its lock)
    /// A wrapped system secret by name, as this transaction sees it.
    func secret(named name: String) async throws -> Data?
    /// A tenant's current key version; nil when there is no such tenant.
    func tenantKeyVersion(_ tenantID: Int64) async throws -> Int?
    /// Every tenant, in id order, as this transaction sees them.
    func tenants() async throws -> [Tenant]
    /// A subject's consents in id order, revoked ones included, as this transaction sees them.
    func subjectConsents(_ subjectID: Int64) async throws -> [Consent]
    /// Every stored template of a tenant, in id order, as this transaction sees them.
    func templates(tenantID: Int64) async throws -> [Template]

    // Change log
    /// Whether templates of the tenant were added by changes after `afterSequence`, as this
    /// transaction sees the log (an enrolment's duplicate check is only as current as that).
    func templatesAdded(tenantID: Int64, after afterSequence: Int64) async throws -> Bool
    /// Appends a change after the log's head and returns its sequence; a PostgreSQL store also
    /// notifies its listeners when the transaction commits. Old changes beyond
    /// `ChangeLogRetention.changes` are pruned.
    @discardableResult
    func appendChange(_ change: NewChange, at time: Date) async throws -> Int64

    // Audit
    /// The sequence number and hash of the last event, or nil on an empty trail.
    func lastAuditLink() async throws -> AuditLink?
    /// Stores an event as given (linked and signed by the caller).
    func insertAuditEvent(_ event: AuditEvent) async throws
}

extension StoreTransaction {
    /// `storeSubject` for a subject whose consent is required; the stored row.
    public func upsertSubject(tenantID: Int64, externalID: String, metadata: String?, at time: Date) async throws
        -> Subject
    {
        try await storeSubject(
            tenantID: tenantID, externalID: externalID, metadata: metadata, consentRequired: true, at: time
        ).subject
    }
}
