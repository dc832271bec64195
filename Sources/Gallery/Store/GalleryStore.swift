import Foundation

/// Where the gallery keeps its records: SQLite by default, PostgreSQL for shared deployments.
///
/// A store only stores: it reads rows and runs primitives inside a transaction. What a change
/// means (what an erasure deletes, which details an audit event carries, how events are
/// chained) is decided by `Gallery`, once for every store. Because a change and its audit event
/// are written in one `transaction`, a change is never stored without its event, nor an event
/// without its change.
public protocol GalleryStore: LivenessSessionStore {
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
    /// An operator's command: it rewrites whole tables, so it is never run on a request path.
    func compact() async throws

    /// Makes the bytes of erased subjects' templates unreadable from the store's files without
    /// stopping other writers for long (SQLite: secure_delete has zeroed the pages, and a WAL
    /// checkpoint removes the log's copies; PostgreSQL: a plain VACUUM of the template table),
    /// then records `purged_at` on the subjects erased before the purge began.
    /// Returns whether every erased subject is purged now.
    func purgeErased() async throws -> Bool

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
    /// Live subjects whose external id starts with `prefix` (empty: all), in byte order of the
    /// external id after `after` (nil: from the start), at most `limit`, with their face counts,
    /// active consents' purposes, and the total matching the prefix.
    func subjectPage(tenantID: Int64, prefix: String, after: String?, limit: Int) async throws -> StoredSubjectPage
    /// A subject's flags, in template order.
    func faceFlags(subjectID: Int64) async throws -> [FaceFlag]
    /// A tenant's unreviewed flags on templates after `afterTemplateID`, in template order.
    func openFaceFlags(tenantID: Int64, afterTemplateID: Int64, limit: Int) async throws -> [FaceFlag]
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

    // Change log
    /// The sequence of the last committed change (0 before the first).
    func changeHead() async throws -> Int64
    /// Committed changes after `afterSequence`, in order, at most `limit`.
    func changes(after afterSequence: Int64, limit: Int) async throws -> [Change]
    /// The sequence of the oldest change still kept (nil on an empty log).
    func changeTail() async throws -> Int64?
    /// Templates by id (those that still exist), in id order.
    func templates(ids: [Int64]) async throws -> [Template]
    /// The tenant's ids of subjects, by internal id (those that exist).
    func subjectExternalIDs(ids: [Int64]) async throws -> [Int64: String]
    /// Wakes on each committed change (with its sequence, or 0 when unknown): nil when the store
    /// has no push notifications and followers check the head before each read instead.
    func changeNotifications() -> AsyncStream<Int64>?

    // Audit
    /// Events in sequence order after `afterSequence` that pass `filter`, optionally one tenant's only.
    func auditEvents(tenant: String?, filter: AuditFilter, afterSequence: Int64, limit: Int) async throws
        -> [AuditEvent]
}

extension GalleryStore {
    /// Events in sequence order after `afterSequence`, optionally one tenant's only.
    public func auditEvents(tenant: String?, afterSequence: Int64, limit: Int) async throws -> [AuditEvent] {
        try await auditEvents(tenant: tenant, filter: .none, afterSequence: afterSequence, limit: limit)
    }
}

/// The bounds of the external ids that start with a prefix, in byte (code point) order: those
/// at or above `lower` and, when there is one, below `upper`.
struct PrefixRange: Equatable {
    var lower: String
    var upper: String?

    init(_ prefix: String) {
        lower = prefix
        // The prefix with its last scalar raised by one (a scalar at the top of the range is
        // dropped and the one before it raised): UTF-8 byte order is code point order.
        var scalars = Array(prefix.unicodeScalars)
        while let last = scalars.popLast() {
            var next = last.value + 1
            if (0xD800...0xDFFF).contains(next) { next = 0xE000 }
            if let scalar = Unicode.Scalar(next) {
                scalars.append(scalar)
                var text = String.UnicodeScalarView()
                text.append(contentsOf: scalars)
                upper = String(text)
                return
            }
        }
        upper = nil
    }
}
