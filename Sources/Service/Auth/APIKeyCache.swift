import Crypto
import Foundation
import Gallery
import Synchronization

/// Keys this server authenticated in the last moment, so a burst of requests with one key costs
/// one store lookup, not one each (under overload, refusals must cost almost nothing).
///
/// The store stays the one source of truth: an entry lives `lifetime` (1 s by default), so a key
/// revoked on any node stops working here within that. Only keys found active are kept; an
/// unknown secret is looked up every time. Entries are keyed by the secret's SHA-256, never by
/// the secret.
final class APIKeyCache: Sendable {
    private struct Entry {
        var key: APIKey
        var expires: ContinuousClock.Instant
    }

    let lifetime: Duration
    private let capacity: Int
    private let entries = Mutex<[Data: Entry]>([:])

    init(lifetime: Duration = .seconds(1), capacity: Int = 10_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// The key for `secret`: from the cache while fresh, else from `gallery` (and remembered).
    func authenticate(secret: String, gallery: Gallery) async throws -> APIKey? {
        let digest = Data(SHA256.hash(data: Data(secret.utf8)))
        let now = ContinuousClock.now
        if let cached = entries.withLock({ $0[digest] }), cached.expires > now { return cached.key }
        guard let key = try await gallery.authenticate(secret: secret) else {
            entries.withLock { _ = $0.removeValue(forKey: digest) }
            return nil
        }
        entries.withLock { entries in
            // Bounded: past the capacity the stale entries go, and all of them if none is stale.
            if entries.count >= capacity {
                entries = entries.filter { $0.value.expires > now }
                if entries.count >= capacity { entries.removeAll() }
            }
            entries[digest] = Entry(key: key, expires: now + lifetime)
        }
        return key
    }

    /// Entries held now (fresh or not yet swept).
    var count: Int { entries.withLock { $0.count } }
}
