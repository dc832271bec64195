import Foundation

/// Where the gallery keeps its records: SQLite by default, PostgreSQL for shared deployments.
///
/// Each mutating method writes its audit event in the same transaction as the change, so a
/// change is never stored without its event, nor an event without its change.
public protocol GalleryStore: Sendable {
    // Keys
    /// A wrapped system secret (such as the audit key) by name.
    func secret(named name: String) async throws -> Data?
    /// Stores a wrapped system secret if none by that name exists; returns the stored one.
    func insertSecretIfAbsent(named name: String, wrapped: Data) async throws -> Data
    /// Replaces every wrapped key after a master-key rotation, in one transaction.
    func rewrapKeys(tenants: [Int64: Data], secrets: [String: Data], audit: AuditDraft, signer: AuditSigner)
        async throws

    // Tenants
    func tenant(named name: String) async throws -> Tenant?
    func tenants() async throws -> [Tenant]
    /// Creates the tenant, or returns the existing one of that name.
    func insertTenant(named name: String, wrappedKey: Data) async throws -> Tenant
    /// Gives a tenant a new data key and re-protected templates, in one transaction.
    func rekeyTenant(
        _ tenantID: Int64, wrappedKey: Data, templates: [Int64: Data], audit: AuditDraft, signer: AuditSigner
    ) async throws

    // Subjects
    func subject(tenantID: Int64, externalID: String) async throws -> Subject?
    /// Subjects in id order after `afterID`.
    func subjects(tenantID: Int64, afterID: Int64, limit: Int) async throws -> [Subject]
    func subjectCount(tenantID: Int64) async throws -> Int
    /// Creates the subject (or revives an erased one) and returns it.
    func ensureSubject(tenantID: Int64, externalID: String, metadata: String?) async throws -> Subject

    // Templates
    /// Adds templates to a subject with their audit event; returns them with their ids.
    func addTemplates(
        _ templates: [NewTemplate], subjectID: Int64, audit: AuditDraft, signer: AuditSigner
    ) async throws -> [Template]
    func templates(subjectID: Int64) async throws -> [Template]
    /// All live templates of a tenant made by one pack, for building its index.
    func templates(tenantID: Int64, pack: String) async throws -> [Template]
    func templateCount(tenantID: Int64) async throws -> Int

    // Erasure
    /// Deletes the subject's templates, revokes its consents and marks it erased; returns the
    /// removed template ids.
    func eraseSubject(_ subjectID: Int64, audit: AuditDraft, signer: AuditSigner) async throws -> [Int64]
    /// Makes deleted data unrecoverable from the files (checkpoint the log, rebuild the file).
    func compact() async throws

    // Consents
    func grantConsent(_ consent: NewConsent, subjectID: Int64, audit: AuditDraft, signer: AuditSigner)
        async throws -> Consent
    /// Revokes the active consents for `purpose`; returns how many.
    func revokeConsent(purpose: String, subjectID: Int64, audit: AuditDraft, signer: AuditSigner) async throws -> Int
    func consents(subjectID: Int64) async throws -> [Consent]

    // API keys
    /// Stores a new API key with its audit event.
    func insertAPIKey(_ key: NewAPIKey, audit: AuditDraft, signer: AuditSigner) async throws -> APIKey
    /// The key whose secret hashes to `secretHash`, revoked or not.
    func apiKey(secretHash: Data) async throws -> APIKey?
    /// Every key, or one tenant's, in creation order.
    func apiKeys(tenantID: Int64?) async throws -> [APIKey]
    /// Marks a key revoked with its audit event; returns false when no active key has that id.
    func revokeAPIKey(id: String, audit: AuditDraft, signer: AuditSigner) async throws -> Bool

    // Audit
    func appendAudit(_ draft: AuditDraft, signer: AuditSigner) async throws -> AuditEvent
    /// Events in sequence order after `afterSequence`, optionally one tenant's only.
    func auditEvents(tenant: String?, afterSequence: Int64, limit: Int) async throws -> [AuditEvent]
}
