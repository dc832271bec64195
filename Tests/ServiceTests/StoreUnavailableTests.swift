import Foundation
import Gallery
import Testing

@testable import Service

/// A database that cannot be reached (down, restarting) is the client's cue to retry, like an
/// overload: 503 with Retry-After, never a 500.
@Suite("Store outages")
struct StoreUnavailableTests {
    @Test("store_unavailable is a 503 with Retry-After; other store failures stay 500 without their message")
    func mapping() {
        let outage = Problem.from(GalleryError(.storeUnavailable, "reading the change log failed on db: connection refused"))
        #expect(outage.status == .serviceUnavailable)
        #expect(outage.code.rawValue == "store_unavailable")
        #expect(outage.retryAfter == 1)
        #expect(!outage.detail.contains("connection refused"))
        let broken = Problem.from(GalleryError(.storeFailure, "no such table: template"))
        #expect(broken.status == .internalServerError)
        #expect(broken.retryAfter == nil)
        #expect(!broken.detail.contains("template"))
    }
}
