import FaceKit
import Foundation
import Gallery
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import Service

/// `/v1/identify`, `/v1/search`'s FPIR fields, `/v1/compare` and `/v1/verify/batch`.
@Suite("HTTP API: identify, compare, batch verify", .enabled(if: ServiceFixtures.required, ServiceFixtures.skipReason))
struct IdentifyRoutesTests {
    /// Enrols LFW portraits (the middle of the frame) in tenant acme, with consent.
    static func enrol(_ harness: ServiceHarness, _ people: [String: String]) async throws {
        let analyzer = try Fixtures.analyzer()
        for (person, image) in people {
            _ = try await harness.gallery.grantConsent(
                tenant: "acme", subject: person, purpose: Gallery.defaultPurpose, textVersion: "v1", text: "ok",
                evidence: nil)
            let analysis = try await analyzer.analyze(try GroupPhotos.portrait(image))
            _ = try await harness.gallery.enroll(
                EnrollmentRequest(
                    tenant: "acme", subject: person, pack: analyzer.pack.id,
                    samples: [EnrollmentSample(vector: analysis.embedding.vector, quality: nil)],
                    duplicateThreshold: 0.99, policy: .enrollAndFlag))
        }
    }

    static let people = [
        "bush": "George_W_Bush/George_W_Bush_0353.jpg", "blair": "Tony_Blair/Tony_Blair_0006.jpg",
        "powell": "Colin_Powell/Colin_Powell_0038.jpg",
    ]

    static func post(
        _ client: some TestClientProtocol, _ uri: String, key: String, _ body: [String: Any],
        _ check: @escaping @Sendable (TestResponse) throws -> Void
    ) async throws {
        try await client.execute(uri: uri, method: .post, headers: HTTPBody.headers(key), body: try HTTPBody.json(body))
        {
            try check($0)
        }
    }

    @Test("identify: every face with its person, strangers unknown, the operating point for the gallery's size")
    func identify() async throws {
        let harness = try await ServiceHarness.make()
        try await Self.enrol(harness, Self.people)
        let group = try GroupPhotos.png([
            "George_W_Bush/George_W_Bush_0407.jpg", "AJ_Cook/AJ_Cook_0001.jpg", "Tony_Blair/Tony_Blair_0094.jpg",
        ])
        try await harness.run { client in
            for (headers, body) in [
                (HTTPBody.headers(harness.keyA), try HTTPBody.json(["image": Data(group).base64EncodedString()])),
                (
                    HTTPBody.headers(harness.keyA, json: false),
                    HTTPBody.multipart([("image", group, "g.png"), ("k", Array("3".utf8), nil)])
                ),
            ] {
                try await client.execute(uri: "/v1/identify", method: .post, headers: headers, body: body) { response in
                    #expect(response.status == .ok)
                    let answer = try HTTPBody.object(response)
                    #expect(answer["gallery_size"] as? Int == 3)
                    #expect(answer["fpir"] as? Double == 1e-3)
                    #expect(answer["faces_ignored"] as? Int == 0)
                    let faces = try #require(answer["faces"] as? [[String: Any]])
                    let leftToRight = faces.sorted { ($0["box"] as! [Double])[0] < ($1["box"] as! [Double])[0] }
                    #expect(leftToRight.map { $0["subject"] as? String } == ["bush", nil, "blair"])
                    #expect(leftToRight.map { $0["decision"] as? String } == ["match", "unknown", "match"])
                    #expect(leftToRight.allSatisfy { $0["searched"] as? Bool == true })
                    #expect((leftToRight[0]["quality"] as? [String: Any])?["profile"] as? String == "identification")
                }
            }
            // The other tenant's gallery is empty: every face unknown, gallery_size 0.
            try await Self.post(client, "/v1/identify", key: harness.keyB, ["image": Data(group).base64EncodedString()])
            {
                response in
                let answer = try HTTPBody.object(response)
                #expect(answer["gallery_size"] as? Int == 0)
                let faces = try #require(answer["faces"] as? [[String: Any]])
                #expect(faces.count == 3 && faces.allSatisfy { $0["decision"] as? String == "unknown" })
            }
            // Faces kept from the search are listed with why, decision null.
            try await Self.post(
                client, "/v1/identify", key: harness.keyA,
                ["image": Data(group).base64EncodedString(), "min_face_size": 400, "max_faces": 2]
            ) { response in
                #expect(response.status == .ok)
                let answer = try HTTPBody.object(response)
                #expect(answer["faces_ignored"] as? Int == 1)
                let faces = try #require(answer["faces"] as? [[String: Any]])
                #expect(faces.count == 2)
                #expect(faces.allSatisfy { $0["searched"] as? Bool == false && $0["decision"] is NSNull })
                #expect(faces.allSatisfy { ($0["reasons"] as? [String])?.contains("face_too_small") == true })
            }
        }
    }

    @Test("identify and search refuse bad input before any inference")
    func refusals() async throws {
        let harness = try await ServiceHarness.make()
        let photo = try ServiceFixtures.photo("Paul_Wolfowitz/Paul_Wolfowitz_0002.jpg")
        try await harness.run { client in
            let cases: [(String, [String: Any], String)] = [
                ("/v1/identify", [:], "validation_failed"),
                ("/v1/identify", ["image": photo, "k": 0], "validation_failed"),
                ("/v1/identify", ["image": photo, "k": 101], "validation_failed"),
                ("/v1/identify", ["image": photo, "max_faces": 0], "validation_failed"),
                ("/v1/identify", ["image": photo, "max_faces": 101], "validation_failed"),
                ("/v1/identify", ["image": photo, "min_face_size": -1], "validation_failed"),
                ("/v1/identify", ["image": photo, "fmr": 1e-4, "fpir": 1e-3], "validation_failed"),
                ("/v1/identify", ["image": photo, "fpir": 0.5], "uncalibrated_fpir"),
                ("/v1/identify", ["image": photo, "fpir": 1.5], "validation_failed"),
                ("/v1/identify", ["image": photo, "fmr": 3e-4], "validation_failed"),
                ("/v1/identify", ["image": photo, "box": 1], "validation_failed"),
                ("/v1/search", ["image": photo, "fmr": 1e-4, "fpir": 1e-3], "validation_failed"),
                ("/v1/search", ["image": photo, "fpir": 0.5], "uncalibrated_fpir"),
            ]
            for (uri, body, code) in cases {
                let fields = body.keys.sorted()
                try await Self.post(client, uri, key: harness.keyA, body) { response in
                    #expect(response.status == .badRequest, "\(uri) \(fields)")
                    #expect(HTTPBody.code(response) == code, "\(uri) \(fields): \(String(buffer: response.body))")
                }
            }
            try await client.execute(
                uri: "/v1/identify", method: .post, headers: HTTPBody.auth(harness.keyA),
                body: ByteBuffer(string: "x")
            ) { #expect($0.status == .unsupportedMediaType) }
            try await client.execute(
                uri: "/v1/identify", method: .post, headers: HTTPBody.headers(nil),
                body: try HTTPBody.json(["image": photo])
            ) { #expect($0.status == .unauthorized) }
            // No face: 200 with no faces.
            let blank = try Image(bgr: [UInt8](repeating: 90, count: 120 * 120 * 3), width: 120, height: 120)
            try await Self.post(
                client, "/v1/identify", key: harness.keyA,
                ["image": Data(try blank.encoded(as: .png)).base64EncodedString()]
            ) { response in
                #expect(response.status == .ok)
                let answer = try HTTPBody.object(response)
                #expect((answer["faces"] as? [Any])?.isEmpty == true)
            }
        }
    }

    @Test("search answers carry gallery_size, fpir and decision; fmr is still accepted")
    func searchFields() async throws {
        let harness = try await ServiceHarness.make()
        try await Self.enrol(harness, Self.people)
        try await harness.run { client in
            let probe = Data(try GroupPhotos.portrait("Tony_Blair/Tony_Blair_0094.jpg").encoded(as: .png))
                .base64EncodedString()
            try await Self.post(client, "/v1/search", key: harness.keyA, ["image": probe]) { response in
                #expect(response.status == .ok)
                let answer = try HTTPBody.object(response)
                #expect(answer["gallery_size"] as? Int == 3 && answer["fpir"] as? Double == 1e-3)
                #expect(answer["decision"] as? String == "match")
                #expect((answer["candidates"] as? [[String: Any]])?.first?["subject"] as? String == "blair")
            }
            try await Self.post(client, "/v1/search", key: harness.keyA, ["image": probe, "fmr": 1e-5]) { response in
                let answer = try HTTPBody.object(response)
                #expect(answer["fmr"] as? Double == 1e-5)
                let fpir = try #require(answer["fpir"] as? Double)
                #expect(abs(fpir - 3e-5) < 1e-7)  // 1 − (1 − 1e-5)^3
            }
            let stranger = try ServiceFixtures.photo("AJ_Cook/AJ_Cook_0001.jpg")
            try await Self.post(client, "/v1/search", key: harness.keyA, ["image": stranger, "fpir": 1e-2]) {
                response in
                let answer = try HTTPBody.object(response)
                #expect(answer["decision"] as? String == "unknown" && answer["fpir"] as? Double == 1e-2)
            }
        }
    }

    @Test("compare: the probe's face against every face of the target, as `find --json` prints it")
    func compare() async throws {
        let harness = try await ServiceHarness.make()
        let group = try GroupPhotos.png(["Colin_Powell/Colin_Powell_0120.jpg", "AJ_Cook/AJ_Cook_0001.jpg"])
        let probe = try ServiceFixtures.photo("Colin_Powell/Colin_Powell_0038.jpg")
        try await harness.run { client in
            try await Self.post(
                client, "/v1/compare", key: harness.keyA, ["probe": probe, "target": Data(group).base64EncodedString()]
            ) { response in
                #expect(response.status == .ok)
                let answer = try HTTPBody.object(response)
                #expect(Set(answer.keys) == ["threshold", "fmr", "probe", "candidates"])
                #expect(answer["fmr"] as? Double == 1e-4)
                let candidates = try #require(answer["candidates"] as? [[String: Any]])
                #expect(candidates.count == 2)
                #expect(candidates.map { $0["match"] as? Bool } == [true, false])
                #expect(((candidates[0]["face"] as? [String: Any])?["box"] as? [Double])?[0] ?? 999 < 150)
            }
            try await Self.post(client, "/v1/compare", key: harness.keyA, ["probe": probe]) { response in
                #expect(response.status == .badRequest && HTTPBody.code(response) == "validation_failed")
            }
            try await Self.post(
                client, "/v1/compare", key: harness.keyA, ["probe": probe, "target": probe, "fmr": 3e-4]
            ) {
                #expect($0.status == .badRequest)
            }
            let blank = try Image(bgr: [UInt8](repeating: 90, count: 120 * 120 * 3), width: 120, height: 120)
            try await Self.post(
                client, "/v1/compare", key: harness.keyA,
                ["probe": probe, "target": Data(try blank.encoded(as: .png)).base64EncodedString()]
            ) { response in
                #expect(response.status == .unprocessableContent && HTTPBody.code(response) == "no_face")
            }
        }
    }

    @Test("verify/batch: each pair its own answer or problem, in order; the body is checked whole first")
    func batch() async throws {
        let harness = try await ServiceHarness.make()
        let a = try ServiceFixtures.photo("Abdullah_Gul/Abdullah_Gul_0013.jpg")
        let b = try ServiceFixtures.photo("Abdullah_Gul/Abdullah_Gul_0014.jpg")
        let c = try ServiceFixtures.photo("Paul_Wolfowitz/Paul_Wolfowitz_0002.jpg")
        let notAnImage = Data("definitely not an image".utf8).base64EncodedString()
        try await harness.run { client in
            let pairs: [[String: Any]] = [
                ["first": a, "second": b], ["first": a, "second": notAnImage], ["first": a, "second": c, "fmr": 1e-5],
            ]
            try await Self.post(client, "/v1/verify/batch", key: harness.keyA, ["pairs": pairs]) { response in
                #expect(response.status == .ok)
                let results = try #require(try HTTPBody.object(response)["results"] as? [[String: Any]])
                #expect(results.map { $0["index"] as? Int } == [0, 1, 2])
                #expect((results[0]["result"] as? [String: Any])?["decision"] as? String == "match")
                let error = try #require(results[1]["error"] as? [String: Any])
                #expect(error["code"] as? String == "unsupported_format" && error["status"] as? Int == 415)
                #expect(results[1]["result"] == nil)
                let third = try #require(results[2]["result"] as? [String: Any])
                #expect(third["decision"] as? String == "no_match" && third["fmr"] as? Double == 1e-5)
            }
            let seventeen = [[String: Any]](repeating: ["first": a, "second": b], count: 17)
            let refused: [[String: Any]] = [
                ["pairs": seventeen], ["pairs": []], [:], ["pairs": [["first": a]]],
                ["pairs": [["first": a, "second": b], ["first": a, "second": "%%%"]]],
                ["pairs": [["first": a, "second": b, "colour": true]]],
                ["pairs": [["first": a, "second": b, "fmr": 3e-4]]],
                ["pairs": [["first": a, "second": b]], "extra": 1], ["pairs": "no"],
            ]
            for body in refused {
                try await Self.post(client, "/v1/verify/batch", key: harness.keyA, body) { response in
                    #expect(response.status == .badRequest, "\(String(buffer: response.body))")
                }
            }
            try await client.execute(
                uri: "/v1/verify/batch", method: .post, headers: HTTPBody.headers(harness.keyA, json: false),
                body: HTTPBody.multipart([("first", [1], "a.jpg")])
            ) { #expect($0.status == .unsupportedMediaType) }
        }
    }
}
