import Foundation
import Gallery
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Service

@Suite("HTTP API: duplicate review", .enabled(if: ServiceFixtures.required, ServiceFixtures.skipReason))
struct ReviewRoutesTests {
    @Test("flagged enrolments are listed until resolved; resolution is audited; failures are 400 and 404")
    func review() async throws {
        let paul = try ServiceFixtures.enrollable("Paul_Wolfowitz/Paul_Wolfowitz_0002.jpg")
        let paulAgain = try ServiceFixtures.enrollable("Paul_Wolfowitz/Paul_Wolfowitz_0004.jpg")
        let harness = try await ServiceHarness.make()
        let key = harness.keyA
        try await harness.run { client in
            typealias Send = SubjectRoutesTests
            for subject in ["paul", "twin", "triplet"] {
                _ = try await Send.send(
                    client, .post, "/v1/subjects/\(subject)/consents", key: key, json: SubjectRoutesTests.consent)
            }
            _ = try await Send.send(
                client, .post, "/v1/subjects/paul/faces", key: key, json: ["images": [Data(paul).base64EncodedString()]]
            )
            var faces: [Int] = []
            for subject in ["twin", "triplet"] {
                let flagged = try await Send.send(
                    client, .post, "/v1/subjects/\(subject)/faces", key: key,
                    json: ["images": [Data(paulAgain).base64EncodedString()], "policy": "enroll_and_flag"])
                faces += flagged.body["templates"] as? [Int] ?? []
            }
            #expect(faces.count == 2)
            let page = try await Send.send(client, .get, "/v1/review/duplicates?limit=1", key: key)
            #expect(page.status == .ok)
            let flags = try #require(page.body["flags"] as? [[String: Any]])
            #expect(flags.count == 1 && flags.first?["face"] as? Int == faces[0])
            #expect(flags.first?["subject"] as? String == "twin" && flags.first?["created_at"] != nil)
            #expect((flags.first?["duplicates"] as? [[String: Any]])?.first?["subject"] as? String == "paul")
            let next = try #require(page.body["next"] as? Int)
            let rest = try await Send.send(client, .get, "/v1/review/duplicates?after=\(next)", key: key)
            #expect((rest.body["flags"] as? [[String: Any]])?.compactMap { $0["face"] as? Int } == [faces[1]])
            #expect(rest.body.keys.contains("next") && rest.body["next"] as? Int == nil)
            let other = try await Send.send(client, .get, "/v1/review/duplicates", key: harness.keyB)
            #expect((other.body["flags"] as? [Any])?.isEmpty == true)

            let resolved = try await Send.send(
                client, .post, "/v1/review/duplicates/\(faces[0])/resolve", key: key, json: ["resolution": "distinct"])
            #expect(resolved.status == .ok && resolved.body["resolution"] as? String == "distinct")
            #expect(resolved.body["reviewed_at"] != nil)
            for (uri, body, tenant, status) in [
                (
                    "/v1/review/duplicates/\(faces[0])/resolve", ["resolution": "distinct"], key,
                    HTTPResponse.Status.notFound
                ),
                ("/v1/review/duplicates/\(faces[1])/resolve", ["resolution": "distinct"], harness.keyB, .notFound),
                ("/v1/review/duplicates/\(faces[1])/resolve", ["resolution": "merge"], key, .badRequest),
                ("/v1/review/duplicates/\(faces[1])/resolve", ["resolution": "distinct", "x": 1], key, .badRequest),
                ("/v1/review/duplicates/abc/resolve", ["resolution": "distinct"], key, .badRequest),
            ] as [(String, [String: Any], String, HTTPResponse.Status)] {
                let answer = try await Send.send(client, .post, uri, key: tenant, json: body)
                #expect(answer.status == status, "\(uri) \(body)")
            }
            for bad in ["limit=0", "limit=1001", "after=-1", "after=x"] {
                let answer = try await Send.send(client, .get, "/v1/review/duplicates?\(bad)", key: key)
                #expect(answer.status == .badRequest, "\(bad)")
            }
            // Erasing the other flagged subject takes its face off the list.
            _ = try await Send.send(client, .delete, "/v1/subjects/triplet", key: key)
            let empty = try await Send.send(client, .get, "/v1/review/duplicates", key: key)
            #expect((empty.body["flags"] as? [Any])?.isEmpty == true)
            let shown = try await Send.send(client, .get, "/v1/subjects/twin/faces", key: key)
            let flag = (((shown.body["faces"] as? [[String: Any]])?.first?["flags"]) as? [[String: Any]])?.first
            #expect(flag?["resolution"] as? String == "distinct")
            let audit = try await Send.send(client, .get, "/v1/audit?action=review.resolve", key: key)
            let event = (audit.body["events"] as? [[String: Any]])?.first
            #expect(event?["subject"] as? String == "twin")
            #expect((event?["details"] as? [String: Any])?["resolution"] as? String == "distinct")
        }
    }
}
