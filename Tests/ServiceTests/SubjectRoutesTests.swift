import FaceKit
import Foundation
import Gallery
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import Service

/// Gallery management over HTTP: listing, metadata, faces, one face's erasure, and every
/// lifecycle case, with their failure paths.
@Suite(
    "HTTP API: gallery management and the subject lifecycle",
    .enabled(if: ServiceFixtures.required, ServiceFixtures.skipReason))
struct SubjectRoutesTests {
    static var consent: [String: Any] {
        ["purpose": "identity_verification", "text_version": "v1", "text": "I agree."]
    }

    static func send(
        _ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, key: String,
        json: [String: Any]? = nil, contentType: String = "application/json"
    ) async throws -> (status: HTTPResponse.Status, body: [String: Any], headers: HTTPFields) {
        var headers = HTTPBody.auth(key)
        if json != nil { headers[.contentType] = contentType }
        return try await client.execute(
            uri: uri, method: method, headers: headers, body: try json.map(HTTPBody.json)
        ) { response in
            let body = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]) ?? [:]
            return (response.status, body, response.headers)
        }
    }

    @Test("GET /v1/subjects pages by id with a prefix, a cursor and a total; failures are 400")
    func list() async throws {
        let harness = try await ServiceHarness.make()
        let key = harness.keyA
        try await harness.run { client in
            for id in ["c", "a/b", "a", "ab", "b", "aa"] {
                let created = try await Self.send(client, .post, "/v1/subjects", key: key, json: ["id": id])
                #expect(created.status == .created)
            }
            _ = try await Self.send(client, .post, "/v1/subjects", key: harness.keyB, json: ["id": "a-globex"])
            _ = try await Self.send(client, .delete, "/v1/subjects/c", key: key)
            var ids: [String] = []
            var uri = "/v1/subjects?limit=2"
            while true {
                let page = try await Self.send(client, .get, uri, key: key)
                #expect(page.status == .ok && page.body["total"] as? Int == 5)
                ids += (page.body["subjects"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                guard let next = page.body["next"] as? String else {
                    #expect(page.body.keys.contains("next"), "next is null on the last page, not absent")
                    break
                }
                uri = "/v1/subjects?limit=2&after=\(next)"
            }
            #expect(ids == ["a", "a/b", "aa", "ab", "b"])
            let prefixed = try await Self.send(client, .get, "/v1/subjects?prefix=a", key: key)
            #expect(prefixed.body["total"] as? Int == 4)
            let first = try #require((prefixed.body["subjects"] as? [[String: Any]])?.first)
            #expect(Set(first.keys) == ["id", "metadata", "created_at", "faces", "consents"])
            #expect(first["faces"] as? Int == 0 && (first["consents"] as? [Any])?.isEmpty == true)
            let other = try await Self.send(client, .get, "/v1/subjects", key: harness.keyB)
            #expect((other.body["subjects"] as? [[String: Any]])?.map { $0["id"] as? String } == ["a-globex"])
            for bad in [
                "limit=0", "limit=1001", "limit=x", "after=%21%21", "prefix=" + String(repeating: "p", count: 129),
            ] {
                let answer = try await Self.send(client, .get, "/v1/subjects?\(bad)", key: key)
                #expect(answer.status == .badRequest && answer.body["code"] as? String == "validation_failed", "\(bad)")
            }
        }
    }

    @Test("metadata is an object: created, replaced by PATCH (JSON or merge patch), cleared; bad metadata is 400")
    func metadata() async throws {
        let harness = try await ServiceHarness.make()
        let key = harness.keyA
        try await harness.run { client in
            let created = try await Self.send(
                client, .post, "/v1/subjects", key: key, json: ["id": "yao", "metadata": ["customer": 42]])
            #expect((created.body["metadata"] as? [String: Any])?["customer"] as? Int == 42)
            #expect(created.body["consent_required"] as? Bool == true)
            let patched = try await Self.send(
                client, .patch, "/v1/subjects/yao", key: key, json: ["metadata": ["branch": "north", "tier": [1, 2]]],
                contentType: "application/merge-patch+json")
            #expect(patched.status == .ok)
            let metadata = try #require(patched.body["metadata"] as? [String: Any])
            #expect(metadata["branch"] as? String == "north" && metadata["customer"] == nil, "replaced whole")
            let listed = try await Self.send(client, .get, "/v1/subjects", key: key)
            #expect(
                ((listed.body["subjects"] as? [[String: Any]])?.first?["metadata"] as? [String: Any])?["branch"]
                    as? String == "north")
            let cleared = try await Self.send(
                client, .patch, "/v1/subjects/yao", key: key, json: ["metadata": NSNull()])
            #expect(cleared.status == .ok && cleared.body["metadata"] == nil)
            let deep: Any = (0..<9).reduce(1 as Any) { inner, _ in ["a": inner] }
            for (body, what) in [
                (["metadata": "a string"], "not an object"), (["metadata": [1, 2]], "an array"),
                (["metadata": deep], "too deep"),
                (["metadata": ["x": String(repeating: "x", count: 16_400)]], "too big"),
                (["metadata": [:], "extra": 1], "an unknown field"), ([:], "no metadata"),
            ] as [([String: Any], String)] {
                let answer = try await Self.send(client, .patch, "/v1/subjects/yao", key: key, json: body)
                #expect(
                    answer.status == .badRequest && answer.body["code"] as? String == "validation_failed", "\(what)")
            }
            let wrongType = try await Self.send(
                client, .patch, "/v1/subjects/yao", key: key, json: ["metadata": [:]], contentType: "text/plain")
            #expect(wrongType.status == .unsupportedMediaType)
            let elsewhere = try await Self.send(
                client, .patch, "/v1/subjects/yao", key: harness.keyB, json: ["metadata": [:]])
            #expect(elsewhere.status == .notFound, "another tenant's subject")
            let missing = try await Self.send(client, .patch, "/v1/subjects/nobody", key: key, json: ["metadata": [:]])
            #expect(missing.status == .notFound)
        }
    }

    @Test("faces: listed with flags, one erased (gone from search), another subject's face or tenant is 404")
    func faces() async throws {
        let paul = try ServiceFixtures.enrollable("Paul_Wolfowitz/Paul_Wolfowitz_0002.jpg")
        let paulAgain = try ServiceFixtures.enrollable("Paul_Wolfowitz/Paul_Wolfowitz_0004.jpg")
        let harness = try await ServiceHarness.make()
        let key = harness.keyA
        try await harness.run { client in
            for subject in ["paul", "twin"] {
                _ = try await Self.send(client, .post, "/v1/subjects/\(subject)/consents", key: key, json: Self.consent)
            }
            let enrolled = try await Self.send(
                client, .post, "/v1/subjects/paul/faces", key: key,
                json: ["images": [Data(paul).base64EncodedString()]])
            #expect(enrolled.status == .created)
            let flagged = try await Self.send(
                client, .post, "/v1/subjects/twin/faces", key: key,
                json: ["images": [Data(paulAgain).base64EncodedString()], "policy": "enroll_and_flag"])
            #expect(flagged.body["status"] as? String == "flagged")
            let twinFace = try #require((flagged.body["templates"] as? [Int])?.first)
            let paulFace = try #require((enrolled.body["templates"] as? [Int])?.first)

            let faces = try await Self.send(client, .get, "/v1/subjects/twin/faces", key: key)
            #expect(faces.status == .ok && faces.body["subject"] as? String == "twin")
            let face = try #require((faces.body["faces"] as? [[String: Any]])?.first)
            #expect(face["id"] as? Int == twinFace && face["pack"] as? String != nil && face["created_at"] != nil)
            let flag = try #require((face["flags"] as? [[String: Any]])?.first)
            #expect(flag["code"] as? String == "possible_duplicate")
            #expect((flag["subjects"] as? [[String: Any]])?.first?["subject"] as? String == "paul")
            let shown = try await Self.send(client, .get, "/v1/subjects/twin", key: key)
            #expect(((shown.body["templates"] as? [[String: Any]])?.first?["flags"] as? [Any])?.count == 1)

            for (uri, tenantKey) in [
                ("/v1/subjects/paul/faces/\(twinFace)", key), ("/v1/subjects/twin/faces/\(twinFace)", harness.keyB),
                ("/v1/subjects/twin/faces/999999", key),
            ] {
                let refused = try await Self.send(client, .delete, uri, key: tenantKey)
                #expect(refused.status == .notFound && refused.body["code"] as? String == "not_found", "\(uri)")
            }
            let bad = try await Self.send(client, .delete, "/v1/subjects/twin/faces/x", key: key)
            #expect(bad.status == .badRequest)
            let faceOfOther = try await Self.send(client, .get, "/v1/subjects/twin/faces", key: harness.keyB)
            #expect(faceOfOther.status == .notFound)

            let erased = try await Self.send(client, .delete, "/v1/subjects/twin/faces/\(twinFace)", key: key)
            #expect(erased.status == .ok)
            #expect(erased.body["subject"] as? String == "twin" && erased.body["face"] as? Int == twinFace)
            #expect(erased.body["templates_deleted"] as? Int == 1 && erased.body["purged"] as? Bool == true)
            let search = try await Self.send(
                client, .post, "/v1/search", key: key, json: ["image": Data(paulAgain).base64EncodedString()])
            let candidates = (search.body["candidates"] as? [[String: Any]] ?? []).compactMap {
                $0["subject"] as? String
            }
            #expect(candidates == ["paul"], "the erased face is in no answer")
            let left = try await Self.send(client, .get, "/v1/subjects/twin", key: key)
            #expect(left.status == .ok && (left.body["templates"] as? [Any])?.isEmpty == true, "the subject stays")
            let audit = try await Self.send(client, .get, "/v1/audit?action=face.erase", key: key)
            let events = try #require(audit.body["events"] as? [[String: Any]])
            #expect(events.count == 1 && events.first?["subject"] as? String == "twin")
            #expect((events.first?["details"] as? [String: Any])?["face"] as? Int == twinFace)
            _ = paulFace
        }
        #expect(try await harness.gallery.verifyAudit().isIntact)
    }

    @Test("lifecycle: an erased id starts afresh; Location is percent-encoded")
    func recreate() async throws {
        let harness = try await ServiceHarness.make()
        let key = harness.keyA
        try await harness.run { client in
            let created = try await Self.send(client, .post, "/v1/subjects", key: key, json: ["id": "a/b"])
            #expect(created.headers[.location] == "/v1/subjects/a%2Fb")
            let spaced = try await Self.send(client, .post, "/v1/subjects", key: key, json: ["id": "é x?#"])
            #expect(spaced.headers[.location] == "/v1/subjects/%C3%A9%20x%3F%23")
            let granted = try await Self.send(
                client, .post, "/v1/subjects/a%2Fb/consents", key: key, json: Self.consent)
            #expect(granted.status == .created)
            let firstCreated = try #require(created.body["created_at"] as? String)
            _ = try await Self.send(client, .delete, "/v1/subjects/a%2Fb", key: key)
            try await Task.sleep(for: .milliseconds(1_100))  // created_at has whole seconds
            let again = try await Self.send(client, .post, "/v1/subjects", key: key, json: ["id": "a/b"])
            #expect(again.status == .created)
            #expect(again.body["created_at"] as? String != firstCreated)
            #expect((again.body["consents"] as? [Any])?.isEmpty == true, "old consents are not shown")
            let audit = try await Self.send(client, .get, "/v1/audit?subject=a%2Fb", key: key)
            let actions = (audit.body["events"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
            #expect(actions == ["subject.create", "consent.grant", "erase", "subject.create"], "the trail is kept")
        }
    }

    @Test("lifecycle: grants are idempotent (200 with the existing record); revoking nothing is 404 and erases nothing")
    func consents() async throws {
        let harness = try await ServiceHarness.make()
        let key = harness.keyA
        try await harness.run { client in
            let first = try await Self.send(client, .post, "/v1/subjects/yao/consents", key: key, json: Self.consent)
            let second = try await Self.send(client, .post, "/v1/subjects/yao/consents", key: key, json: Self.consent)
            #expect(first.status == .created && second.status == .ok)
            #expect(first.body["id"] as? Int == second.body["id"] as? Int)
            var newer = Self.consent
            newer["text_version"] = "v2"
            let third = try await Self.send(client, .post, "/v1/subjects/yao/consents", key: key, json: newer)
            #expect(third.status == .created)
            let shown = try await Self.send(client, .get, "/v1/subjects/yao", key: key)
            #expect((shown.body["consents"] as? [[String: Any]])?.count == 2)

            let nothing = try await Self.send(
                client, .delete, "/v1/subjects/yao/consents?purpose=marketing", key: key)
            #expect(nothing.status == .notFound && nothing.body["code"] as? String == "not_found")
            #expect(nothing.body["detail"] as? String == "no active consent for marketing")
            let still = try await Self.send(client, .get, "/v1/subjects/yao", key: key)
            #expect(still.status == .ok)
            let revoked = try await Self.send(
                client, .delete, "/v1/subjects/yao/consents?purpose=identity_verification", key: key)
            #expect(revoked.status == .ok && revoked.body["revoked"] as? Int == 2)
            #expect((revoked.body["erasure"] as? [String: Any])?["subject"] as? String == "yao")
            let gone = try await Self.send(client, .get, "/v1/subjects/yao", key: key)
            #expect(gone.status == .notFound)
            let again = try await Self.send(
                client, .delete, "/v1/subjects/yao/consents?purpose=identity_verification", key: key)
            #expect(again.status == .notFound)
            let elsewhere = try await Self.send(
                client, .delete, "/v1/subjects/yao/consents?purpose=identity_verification", key: harness.keyB)
            #expect(elsewhere.status == .notFound)
        }
    }

    @Test("lifecycle: revocation erases a subject enrolled with consent, not one enrolled with --no-consent-required")
    func revocationByEnrolment() async throws {
        let paul = try ServiceFixtures.enrollable("Paul_Wolfowitz/Paul_Wolfowitz_0002.jpg")
        let harness = try await ServiceHarness.make()
        let key = harness.keyA
        // The CLI's `enroll --no-consent-required`: a gallery that does not require consent, on
        // the same data directory.
        var configuration = GalleryConfiguration()
        configuration.requireConsent = false
        let cli = try await Gallery.open(directory: harness.directory, configuration: configuration, environment: [:])
        _ = try await cli.enroll(
            EnrollmentRequest(
                tenant: "acme", subject: "basis", pack: "cli-pack",
                samples: [EnrollmentSample(vector: TestVectors.unit(seed: 7), quality: nil)], duplicateThreshold: 0.9))
        await cli.close()
        try await harness.run { client in
            _ = try await Self.send(client, .post, "/v1/subjects/consented/consents", key: key, json: Self.consent)
            let enrolled = try await Self.send(
                client, .post, "/v1/subjects/consented/faces", key: key,
                json: ["images": [Data(paul).base64EncodedString()]])
            #expect(enrolled.status == .created)
            _ = try await Self.send(client, .post, "/v1/subjects/basis/consents", key: key, json: Self.consent)
            let basis = try await Self.send(client, .get, "/v1/subjects/basis", key: key)
            #expect(basis.body["consent_required"] as? Bool == false)

            let kept = try await Self.send(
                client, .delete, "/v1/subjects/basis/consents?purpose=identity_verification", key: key)
            #expect(kept.status == .ok && kept.body["revoked"] as? Int == 1 && kept.body["erasure"] == nil)
            let basisAfter = try await Self.send(client, .get, "/v1/subjects/basis", key: key)
            #expect(basisAfter.status == .ok && (basisAfter.body["templates"] as? [Any])?.count == 1)

            let erased = try await Self.send(
                client, .delete, "/v1/subjects/consented/consents?purpose=identity_verification", key: key)
            #expect((erased.body["erasure"] as? [String: Any])?["templates_deleted"] as? Int == 1)
            let gone = try await Self.send(client, .get, "/v1/subjects/consented", key: key)
            #expect(gone.status == .notFound)
        }
    }
}
