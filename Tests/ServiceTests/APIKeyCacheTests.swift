import Foundation
import Gallery
import Testing

@testable import Service

@Suite("API key cache", .enabled(if: ServiceFixtures.required, ServiceFixtures.skipReason))
struct APIKeyCacheTests {
    @Test("a revoked key stops working once the entry's lifetime has passed; unknown keys are never kept")
    func revocationReachesTheCache() async throws {
        let harness = try await ServiceHarness.make()
        defer { try? FileManager.default.removeItem(at: harness.directory) }
        let issued = try await harness.gallery.createAPIKey(tenant: "acme", label: "short-lived")
        let cache = APIKeyCache(lifetime: .seconds(1))
        let start = ContinuousClock.now
        #expect(try await cache.authenticate(secret: issued.secret, gallery: harness.gallery)?.id == issued.key.id)
        try await harness.gallery.revokeAPIKey(id: issued.key.id)
        // Still cached while the entry is fresh: the lifetime is how late a revocation may arrive.
        let cached = try await cache.authenticate(secret: issued.secret, gallery: harness.gallery)
        if ContinuousClock.now - start < .milliseconds(800) { #expect(cached?.id == issued.key.id) }
        let stale = start + .milliseconds(1200)
        if ContinuousClock.now < stale { try await Task.sleep(until: stale) }
        #expect(try await cache.authenticate(secret: issued.secret, gallery: harness.gallery) == nil)
        #expect(try await cache.authenticate(secret: "lk_nope_nope", gallery: harness.gallery) == nil)
    }

    @Test("the cache stays within its capacity")
    func bounded() async throws {
        let harness = try await ServiceHarness.make()
        defer { try? FileManager.default.removeItem(at: harness.directory) }
        let cache = APIKeyCache(lifetime: .seconds(60), capacity: 2)
        var keys: [IssuedAPIKey] = []
        for n in 0..<3 { keys.append(try await harness.gallery.createAPIKey(tenant: "t\(n)", label: nil)) }
        for key in keys {
            #expect(try await cache.authenticate(secret: key.secret, gallery: harness.gallery)?.id == key.key.id)
        }
        #expect(cache.count <= 2)
    }
}
