import FaceKit
import Foundation
import Gallery
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Service

@Suite("HTTP API: keys and tenant isolation", .enabled(if: ServiceFixtures.required, ServiceFixtures.skipReason))
struct TenantIsolationTests {
    @Test("key B cannot read, search, verify against, enrol into, consent for, or erase tenant A's subject")
    func isolation() async throws {
        let paul = try ServiceFixtures.enrollable("Paul_Wolfowitz/Paul_Wolfowitz_0002.jpg")
        let paulAgain = try ServiceFixtures.enrollable("Paul_Wolfowitz/Paul_Wolfowitz_0004.jpg")
        let harness = try await ServiceHarness.make()
        let (a, b) = (harness.keyA, harness.keyB)
        try await harness.run { client in
            try await client.execute(
                uri: "/v1/subjects/paul/consents", method: .post, headers: HTTPBody.headers(a),
                body: try HTTPBody.json(SubjectRouteTests.consent)
            ) { #expect($0.status == .created) }
            try await client.execute(
                uri: "/v1/subjects/paul/faces", method: .post, headers: HTTPBody.headers(a, json: false),
                body: HTTPBody.multipart([("image", paul, "p.jpg")])
            ) { #expect($0.status == .created) }

            try await client.execute(uri: "/v1/subjects/paul", method: .get, headers: HTTPBody.auth(b)) { response in
                #expect(response.status == .notFound)
                #expect(HTTPBody.code(response) == "not_found")
            }
            try await client.execute(
                uri: "/v1/subjects/paul/verify", method: .post, headers: HTTPBody.headers(b, json: false),
                body: HTTPBody.multipart([("image", paulAgain, "p.jpg")])
            ) { #expect($0.status == .notFound) }
            try await client.execute(
                uri: "/v1/subjects/paul/faces", method: .post, headers: HTTPBody.headers(b, json: false),
                body: HTTPBody.multipart([("image", paulAgain, "p.jpg")])
            ) { response in
                // Tenant B has no subject "paul" with consent; A's subject is invisible.
                #expect(response.status == .conflict)
                #expect(HTTPBody.code(response) == "consent_required")
            }
            try await client.execute(
                uri: "/v1/subjects/paul/consents?purpose=identity_verification", method: .delete,
                headers: HTTPBody.auth(b)
            ) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/v1/subjects/paul", method: .delete, headers: HTTPBody.auth(b)) {
                #expect($0.status == .notFound)
            }
            try await client.execute(
                uri: "/v1/search", method: .post, headers: HTTPBody.headers(b, json: false),
                body: HTTPBody.multipart([("image", paulAgain, "p.jpg")])
            ) { response in
                #expect(response.status == .ok)
                #expect(((try? HTTPBody.object(response))?["candidates"] as? [Any])?.isEmpty == true)
            }
            try await client.execute(uri: "/v1/audit", method: .get, headers: HTTPBody.auth(b)) { response in
                let events = try #require(try HTTPBody.object(response)["events"] as? [[String: Any]])
                #expect(!events.contains { $0["subject"] as? String == "paul" && $0["action"] as? String == "enroll" })
            }
            // A still sees its subject, untouched.
            try await client.execute(uri: "/v1/subjects/paul", method: .get, headers: HTTPBody.auth(a)) { response in
                #expect(response.status == .ok)
                #expect(((try? HTTPBody.object(response))?["templates"] as? [Any])?.count == 1)
            }
        }
    }

    @Test("requests without a valid key are 401 unauthorized with a Bearer challenge")
    func authentication() async throws {
        let harness = try await ServiceHarness.make()
        let revoked = try await harness.gallery.createAPIKey(tenant: "acme", label: "old")
        try await harness.gallery.revokeAPIKey(id: revoked.key.id)
        let cases: [HTTPFields] = [
            [:],
            [.authorization: "Basic dXNlcjpwYXNz"],
            [.authorization: "Bearer"],
            [.authorization: "Bearer lk_nope_nope"],
            [.authorization: "Bearer \(revoked.secret)"],
            [.authorization: "Bearer " + String(repeating: "x", count: 5_000)],
        ]
        try await harness.run { client in
            for headers in cases {
                try await client.execute(uri: "/v1/subjects/paul", method: .get, headers: headers) { response in
                    #expect(response.status == .unauthorized, "\(headers)")
                    #expect(HTTPBody.code(response) == "unauthorized")
                    #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
                }
            }
        }
    }

    @Test("keys are stored only as hashes, and creating and revoking them is audited")
    func keysAreHashed() async throws {
        let harness = try await ServiceHarness.make()
        defer { try? FileManager.default.removeItem(at: harness.directory) }
        let issued = try await harness.gallery.createAPIKey(tenant: "acme", label: "ops")
        #expect(issued.secret.hasPrefix("lk_"))
        #expect(try await harness.gallery.authenticate(secret: issued.secret)?.tenantName == "acme")
        let database = try Data(contentsOf: harness.directory.appendingPathComponent("gallery.sqlite"))
        let wal = (try? Data(contentsOf: harness.directory.appendingPathComponent("gallery.sqlite-wal"))) ?? Data()
        for file in [database, wal] {
            #expect(file.range(of: Data(issued.secret.utf8)) == nil)
        }
        try await harness.gallery.revokeAPIKey(id: issued.key.id)
        #expect(try await harness.gallery.authenticate(secret: issued.secret) == nil)
        await #expect(throws: GalleryError.self) { try await harness.gallery.revokeAPIKey(id: issued.key.id) }
        let actions = try await harness.gallery.auditEvents(tenant: "acme").map(\.action)
        #expect(actions.filter { $0 == "api_key.create" }.count == 2)
        #expect(actions.contains("api_key.revoke"))
    }
}
