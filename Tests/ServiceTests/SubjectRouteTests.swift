import FaceKit
import Foundation
import Gallery
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Service

@Suite(
    "HTTP API: subjects, enrolment, sign-in, search, consent, audit",
    .enabled(if: ServiceFixtures.required, ServiceFixtures.skipReason))
struct SubjectRouteTests {
    static var consent: [String: Any] {
        [
            "purpose": "identity_verification", "text_version": "v1", "text": "I agree.", "evidence": "checkbox",
        ]
    }

    @Test("a subject's life: create, consent, enrol, duplicate, sign in, search, audit, withdraw, gone")
    func lifecycle() async throws {
        let paul = try ServiceFixtures.enrollable("Paul_Wolfowitz/Paul_Wolfowitz_0002.jpg")
        let paulAgain = try ServiceFixtures.enrollable("Paul_Wolfowitz/Paul_Wolfowitz_0004.jpg")
        let jennifer = try ServiceFixtures.bytes("Jennifer_Lopez/Jennifer_Lopez_0003.jpg")
        let harness = try await ServiceHarness.make()
        let key = harness.keyA
        try await harness.run { client in
            try await client.execute(
                uri: "/v1/subjects", method: .post, headers: HTTPBody.headers(key),
                body: try HTTPBody.json(["id": "paul", "metadata": ["customer": 17]])
            ) { response in
                #expect(response.status == .created)
                #expect(response.headers[.location] == "/v1/subjects/paul")
                #expect(((try? HTTPBody.object(response))?["metadata"] as? [String: Any])?["customer"] as? Int == 17)
            }
            try await client.execute(
                uri: "/v1/subjects", method: .post, headers: HTTPBody.headers(key),
                body: try HTTPBody.json(["id": "paul"])
            ) { response in
                #expect(response.status == .conflict)
                #expect(HTTPBody.code(response) == "already_exists")
            }
            // No consent yet: enrolment is refused.
            try await client.execute(
                uri: "/v1/subjects/paul/faces", method: .post, headers: HTTPBody.headers(key, json: false),
                body: HTTPBody.multipart([("image", paul, "p.jpg")])
            ) { response in
                #expect(response.status == .conflict)
                #expect(HTTPBody.code(response) == "consent_required")
            }
            for subject in ["paul", "impostor", "flagged"] {
                try await client.execute(
                    uri: "/v1/subjects/\(subject)/consents", method: .post, headers: HTTPBody.headers(key),
                    body: try HTTPBody.json(SubjectRouteTests.consent)
                ) { response in
                    #expect(response.status == .created)
                    #expect((try? HTTPBody.object(response))?["active"] as? Bool == true)
                }
            }
            try await client.execute(
                uri: "/v1/subjects/paul/faces", method: .post, headers: HTTPBody.headers(key, json: false),
                body: HTTPBody.multipart([("image", paul, "p.jpg")])
            ) { response in
                #expect(response.status == .created)
                let answer = try HTTPBody.object(response)
                #expect(answer["status"] as? String == "enrolled")
                #expect((answer["templates"] as? [Int])?.count == 1)
            }
            // The same face under another id: refused, naming the subject it matched.
            try await client.execute(
                uri: "/v1/subjects/impostor/faces", method: .post, headers: HTTPBody.headers(key),
                body: try HTTPBody.json(["image": Data(paulAgain).base64EncodedString()])
            ) { response in
                #expect(response.status == .conflict)
                let problem = try HTTPBody.object(response)
                #expect(problem["code"] as? String == "possible_duplicate")
                let duplicates = try #require(problem["duplicates"] as? [[String: Any]])
                #expect(duplicates.first?["subject"] as? String == "paul")
            }
            try await client.execute(
                uri: "/v1/subjects/flagged/faces", method: .post, headers: HTTPBody.headers(key),
                body: try HTTPBody.json([
                    "images": [Data(paulAgain).base64EncodedString()], "policy": "enroll_and_flag",
                ])
            ) { response in
                #expect(response.status == .created)
                #expect((try? HTTPBody.object(response))?["status"] as? String == "flagged")
            }
            // Sign-in: the genuine face matches, another person's does not.
            try await client.execute(
                uri: "/v1/subjects/paul/verify", method: .post, headers: HTTPBody.headers(key, json: false),
                body: HTTPBody.multipart([("image", paulAgain, "p.jpg")])
            ) { response in
                #expect(response.status == .ok)
                let answer = try HTTPBody.object(response)
                #expect(answer["decision"] as? String == "match")
                #expect(answer["fmr"] as? Double == 1e-4)
            }
            try await client.execute(
                uri: "/v1/subjects/paul/verify", method: .post, headers: HTTPBody.headers(key, json: false),
                body: HTTPBody.multipart([("image", jennifer, "j.jpg")])
            ) { response in
                #expect((try? HTTPBody.object(response))?["decision"] as? String == "no_match")
            }
            try await client.execute(
                uri: "/v1/search", method: .post, headers: HTTPBody.headers(key),
                body: try HTTPBody.json(["image": Data(paulAgain).base64EncodedString(), "k": 3])
            ) { response in
                #expect(response.status == .ok)
                let answer = try HTTPBody.object(response)
                let candidates = try #require(answer["candidates"] as? [[String: Any]])
                #expect(Set(candidates.prefix(2).compactMap { $0["subject"] as? String }) == ["paul", "flagged"])
                #expect(candidates.first?["match"] as? Bool == true)
                #expect(answer["fpir"] as? Double == 1e-3 && answer["decision"] as? String == "match")  // the 1:N default
            }
            try await client.execute(uri: "/v1/subjects/paul", method: .get, headers: HTTPBody.auth(key)) { response in
                #expect(response.status == .ok)
                let answer = try HTTPBody.object(response)
                #expect((answer["templates"] as? [Any])?.count == 1)
                #expect(
                    (answer["consents"] as? [[String: Any]])?.first?["purpose"] as? String == "identity_verification")
            }
            // Withdrawing the only consent erases the templates.
            try await client.execute(
                uri: "/v1/subjects/paul/consents?purpose=identity_verification", method: .delete,
                headers: HTTPBody.auth(key)
            ) { response in
                #expect(response.status == .ok)
                let answer = try HTTPBody.object(response)
                #expect(answer["revoked"] as? Int == 1)
                #expect((answer["erasure"] as? [String: Any])?["templates_deleted"] as? Int == 1)
            }
            try await client.execute(uri: "/v1/subjects/paul", method: .get, headers: HTTPBody.auth(key)) { response in
                #expect(response.status == .notFound)
                #expect(HTTPBody.code(response) == "not_found")
            }
            try await client.execute(uri: "/v1/subjects/flagged", method: .delete, headers: HTTPBody.auth(key)) {
                response in
                #expect(response.status == .ok)
                let answer = try HTTPBody.object(response)
                #expect(answer["templates_deleted"] as? Int == 1)
                #expect(answer["purged"] as? Bool == true)
            }
            try await client.execute(uri: "/v1/subjects/flagged", method: .delete, headers: HTTPBody.auth(key)) {
                #expect($0.status == .notFound)
            }
            try await client.execute(uri: "/v1/audit?limit=1000", method: .get, headers: HTTPBody.auth(key)) {
                response in
                #expect(response.status == .ok)
                let events = try #require(try HTTPBody.object(response)["events"] as? [[String: Any]])
                let actions = events.compactMap { $0["action"] as? String }
                for action in [
                    "api_key.create", "subject.create", "consent.grant", "enroll", "enroll.rejected", "verify",
                    "search", "consent.revoke", "erase",
                ] {
                    #expect(actions.contains(action), "\(action) missing from \(actions)")
                }
                #expect(events.dropFirst().allSatisfy { ($0["actor"] as? String)?.hasPrefix("key:k_") == true })
            }
            try await client.execute(uri: "/v1/audit?limit=2", method: .get, headers: HTTPBody.auth(key)) { response in
                let page = try HTTPBody.object(response)
                #expect((page["events"] as? [Any])?.count == 2)
                #expect(page["next"] as? Int != nil)
            }
        }
        #expect(try await harness.gallery.verifyAudit().isIntact)
    }

    @Test("cluster groups the faces of several photos by person")
    func cluster() async throws {
        let photos = try [
            "Paul_Wolfowitz/Paul_Wolfowitz_0002.jpg", "Jennifer_Lopez/Jennifer_Lopez_0003.jpg",
            "Paul_Wolfowitz/Paul_Wolfowitz_0003.jpg", "Jennifer_Lopez/Jennifer_Lopez_0005.jpg",
        ].map(ServiceFixtures.bytes)
        let harness = try await ServiceHarness.make()
        try await harness.run { client in
            try await client.execute(
                uri: "/v1/cluster", method: .post, headers: HTTPBody.headers(harness.keyA, json: false),
                body: HTTPBody.multipart(photos.enumerated().map { ("image", $0.element, "\($0.offset).jpg") })
            ) { response in
                #expect(response.status == .ok)
                let groups = try #require(try HTTPBody.object(response)["groups"] as? [[String: Any]])
                let members = groups.map { group in
                    Set((group["faces"] as? [[String: Any]] ?? []).compactMap { $0["image"] as? Int })
                }
                #expect(members.contains([0, 2]))
                #expect(members.contains([1, 3]))
            }
        }
    }
}
