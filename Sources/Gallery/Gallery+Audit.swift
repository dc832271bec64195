import Foundation
import VectorIndex

extension Gallery {
    /// Checks the whole audit chain, and its end against the head anchored outside the
    /// database, and names every break.
    public func verifyAudit() async throws -> AuditVerification {
        AuditVerification.check(try await allAuditEvents(), signer: signer, headFile: headFile)
    }

    /// Checks the whole audit chain (it is one chain for every tenant) and splits its breaks
    /// between those located at `tenant`'s own events and a count of the others, so a tenant
    /// learns whether the trail is intact without reading another tenant's events. A truncated
    /// chain or an invalid head file concerns every tenant, so it is listed for each.
    public func verifyAudit(tenant: String) async throws -> (
        verification: AuditVerification, tenantProblems: [AuditVerification.Problem], otherProblems: Int
    ) {
        let events = try await allAuditEvents()
        let verification = AuditVerification.check(events, signer: signer, headFile: headFile)
        let tenantSequences = Set(events.lazy.filter { $0.tenant == tenant }.map(\.sequence))
        let own = verification.problems.filter {
            tenantSequences.contains($0.sequence) || $0.kind == .truncated || $0.kind == .headInvalid
        }
        return (verification, own, verification.problems.count - own.count)
    }

    private func allAuditEvents() async throws -> [AuditEvent] {
        var events: [AuditEvent] = []
        var after: Int64 = 0
        while true {
            let page = try await store.auditEvents(tenant: nil, afterSequence: after, limit: 10_000)
            events.append(contentsOf: page)
            guard let last = page.last else { break }
            after = last.sequence
        }
        return events
    }

    /// Events in order after `afterSequence` that pass `filter` (applied by the store's query,
    /// so a page holds `limit` matching events whenever there are that many); all tenants' when
    /// `tenant` is nil.
    public func auditEvents(
        tenant: String?, filter: AuditFilter = .none, afterSequence: Int64 = 0, limit: Int = 1_000
    ) async throws -> [AuditEvent] {
        try await store.auditEvents(
            tenant: tenant, filter: filter, afterSequence: afterSequence, limit: max(1, min(limit, 10_000)))
    }

    /// Whether a tenant's index holds exactly the templates its store holds for a pack.
    public func indexMatchesStore(tenant: String, pack: String) async throws -> (store: Int, index: Int, matches: Bool)
    {
        try await synchronize()
        let keys = try await keys(for: tenant, create: true)
        let index = try await index(for: keys, pack: pack)
        let stored = Set(try await store.templates(tenantID: keys.tenant.id, pack: pack).map(\.id))
        let indexed = index.ids
        return (stored.count, indexed.count, stored == indexed)
    }

    /// Whether a tenant's index has grown into the scan index (else exact search).
    public func usesScanIndex(tenant: String, pack: String) async throws -> Bool {
        try await index(for: keys(for: tenant, create: true), pack: pack).isApproximate
    }

    /// Builds every tenant's index for a pack now rather than at first use (a server at start).
    ///
    /// A tenant whose index cannot be built is logged and remembered (its searches answer
    /// `index_unavailable` until a retry succeeds); the other tenants are served meanwhile.
    public func loadIndexes(pack: String) async throws {
        for tenant in try await store.tenants() {
            do {
                _ = try await index(for: keys(for: tenant.name, create: false), pack: pack)
            } catch let error as GalleryError where error.code == .indexUnavailable {
                continue  // logged and remembered by the build
            }
        }
    }

}

extension Gallery {
    /// Stored templates per tenant, for monitoring.
    public func templateCounts() async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for tenant in try await store.tenants() {
            counts[tenant.name] = try await store.templateCount(tenantID: tenant.id)
        }
        return counts
    }
}
