import Foundation

/// Where the gallery keeps its records: SQLite by default, PostgreSQL for shared deployments.
///
/// A store only stores: it reads rows and runs primitives inside a transaction. What a change
/// means (what an erasure deletes, which details an audit event carries, how events are
/// chained) is decided by `Gallery`, once for every store. Because a change and its audit event
/// are written in one `transaction`, a change is never stored without its event, nor an event
/// without its change.
public protocol GalleryStore: Sendable {
    /// Runs `body` in one transaction: everything it writes (changes and their audit events) is
    /// committed together when it returns, or rolled back when it throws.
    ///
    /// Transactions are serialised across every process using the store, so `lastAuditLink()`
    /// followed by `insertAuditEvent(_:)` extends the chain without a gap or a fork. The store's
    /// own reads, made while `body` runs, need not see its writes before they are committed:
    /// what `body` needs back, the primitives return.
    /// `body` must not start another transaction on the same store: it would wait for itself.
    func transaction<T: Sendable>(_ body: @Sendable (any StoreTransaction) async throws -> T) async throws -> T

    /// Makes deleted data unrecoverable from the files (checkpoint the log, rebuild the file).
    func compact() async throws

    /// Releases the store's connections; the store cannot be used afterwards.
    func close() async

    // Keys and tenants
    /// A wrapped system secret (such as the audit key) by name.
    func secret(named name: String) async throws -> Data?
    /// A tenant by its name.
    func tenant(named name: String) async throws -> Tenant?
    /// Every tenant, in id order.
    func tenants() async throws -> [Tenant]

    // Subjects and templates
    /// A subject by its tenant's id for it, erased or not.
    func subject(tenantID: Int64, externalID: String) async throws -> Subject?
    /// Subjects in id order after `afterID`.
    func subjects(tenantID: Int64, afterID: Int64, limit: Int) async throws -> [Subject]
    /// Subjects that are not erased.
    func subjectCount(tenantID: Int64) async throws -> Int
    /// A subject's templates in id order.
    func templates(subjectID: Int64) async throws -> [Template]
    /// All live templates of a tenant made by one pack, for building its index.
    func templates(tenantID: Int64, pack: String) async throws -> [Template]
    /// Every stored template of a tenant.
    func templateCount(tenantID: Int64) async throws -> Int

    // Consents and API keys
    /// A subject's consents in id order, revoked ones included.
    func consents(subjectID: Int64) async throws -> [Consent]
    /// The key whose secret hashes to `secretHash`, revoked or not.
    func apiKey(secretHash: Data) async throws -> APIKey?
    /// Every key, or one tenant's, in creation order.
    func apiKeys(tenantID: Int64?) async throws -> [APIKey]

    // Audit
    /// Events in sequence order after `afterSequence`, optionally one tenant's only.
    func auditEvents(tenant: String?, afterSequence: Int64, limit: Int) async throws -> [AuditEvent]
}
