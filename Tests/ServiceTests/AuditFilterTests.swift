import Foundation
import Gallery
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Service

@Suite("HTTP API: audit filters", .enabled(if: ServiceFixtures.required, ServiceFixtures.skipReason))
struct AuditFilterTests {
    @Test("GET /v1/audit filters by subject, action (repeated or a list) and time, a full page of matches")
    func filters() async throws {
        let harness = try await ServiceHarness.make()
        let keyA = harness.keyA
        for index in 0..<20 {
            _ = try await harness.gallery.createSubject(tenant: "acme", subject: "s\(index)", metadata: nil)
        }
        // A boundary on a whole second (a query time without fractions), after the first events.
        let boundary = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 0.01).rounded(.up))
        try await Task.sleep(for: .milliseconds(Int(boundary.timeIntervalSinceNow * 1000) + 20))
        _ = try await harness.gallery.createSubject(tenant: "acme", subject: "yao", metadata: nil)
        _ = try await harness.gallery.updateMetadata(tenant: "acme", subject: "yao", metadata: nil)
        _ = try await harness.gallery.erase(tenant: "acme", subject: "yao")
        _ = try await harness.gallery.createSubject(tenant: "globex", subject: "yao", metadata: nil)
        let since = ISO8601DateFormatter().string(from: boundary)
        try await harness.run { client in
            func events(_ query: String, key: String? = nil) async throws -> (HTTPResponse.Status, [[String: Any]]) {
                try await client.execute(
                    uri: "/v1/audit?\(query)", method: .get, headers: HTTPBody.auth(key ?? keyA)
                ) {
                    response in
                    let body = (try? HTTPBody.object(response)) ?? [:]
                    return (response.status, body["events"] as? [[String: Any]] ?? [])
                }
            }
            let (status, yao) = try await events("subject=yao&limit=2")
            #expect(status == .ok)
            #expect(yao.compactMap { $0["action"] as? String } == ["subject.create", "subject.update"])
            let repeated = try await events("action=erase&action=subject.update").1
            let listed = try await events("action=erase,subject.update").1
            #expect(repeated.compactMap { $0["action"] as? String } == ["subject.update", "erase"])
            #expect(listed.compactMap { $0["sequence"] as? Int } == repeated.compactMap { $0["sequence"] as? Int })
            let late = try await events("since=\(since)").1
            #expect(late.compactMap { $0["subject"] as? String } == ["yao", "yao", "yao"])
            let early = try await events("until=\(since)&limit=1000").1
            #expect(early.allSatisfy { ($0["subject"] as? String)?.hasPrefix("s") == true || $0["subject"] == nil })
            #expect(try await events("subject=yao", key: harness.keyB).1.count == 1, "another tenant's events stay out")
            for bad in ["since=yesterday", "until=2026-13-45T00:00:00Z", "limit=0", "after=-1", "subject="] {
                #expect(try await events(bad).0 == .badRequest, "\(bad)")
            }
        }
    }
}
