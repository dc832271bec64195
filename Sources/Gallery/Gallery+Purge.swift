import Foundation

extension Gallery {
    /// One purge attempt now (usually enough on SQLite); when it cannot finish, the purger
    /// retries in the background. Never throws: the erasure it follows is committed.
    func purgeSoon() async -> Bool {
        (try? await purger.purgeNow()) ?? false
    }

    /// The background purge's state, for monitoring.
    public func purgeStatus() async -> ErasurePurger.Status {
        await purger.status
    }

    /// Rewrites the store's files so no byte of deleted rows remains (SQLite `VACUUM`,
    /// PostgreSQL `VACUUM FULL`), then records every erased subject as purged. A maintenance
    /// task: it locks whole tables, so no request path runs it.
    public func compact() async throws {
        try await store.compact()
        await purger.request()
    }
}
