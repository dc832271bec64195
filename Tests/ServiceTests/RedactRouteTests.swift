import FaceKit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import Service

@Suite("HTTP API: redact", .enabled(if: ServiceFixtures.required, ServiceFixtures.skipReason))
struct RedactRouteTests {
    @Test("a photo comes back in its own format with every face hidden, or as JSON with the document")
    func everyone() async throws {
        let photo = try ServiceFixtures.bytes("Paul_Wolfowitz/Paul_Wolfowitz_0002.jpg")
        let harness = try await ServiceHarness.make()
        try await harness.run { client in
            try await client.execute(
                uri: "/v1/redact", method: .post, headers: HTTPBody.headers(harness.keyA, json: false),
                body: HTTPBody.multipart([("image", photo, "p.jpg"), ("style", Array("pixelate".utf8), nil)])
            ) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "image/jpeg")
                #expect(response.headers[HTTPField.Name("Likeness-Faces-Hidden")!] == "1")
                #expect(response.headers[.cacheControl] == "no-store")
                let image = try Image.decode(Array(buffer: response.body))
                #expect(image.width == 250 && image.height == 250)
                let analyzer = try Fixtures.analyzer()
                let faces = try await analyzer.detect(
                    in: image, options: DetectionOptions(scoreThreshold: 0.3, inputSize: .fixed(640)))
                #expect(faces.isEmpty, "\(faces)")
            }
            try await client.execute(
                uri: "/v1/redact", method: .post, headers: HTTPBody.headers(harness.keyA),
                body: try HTTPBody.json([
                    "image": Data(photo).base64EncodedString(), "answer": "json", "format": "png",
                ])
            ) { response in
                #expect(response.status == .ok)
                let answer = try HTTPBody.object(response)
                #expect(answer["content_type"] as? String == "image/png")
                let document = try #require(answer["redaction"] as? [String: Any])
                #expect(document["kind"] as? String == "image" && document["hidden"] as? Int == 1)
                let bytes = try #require(Data(base64Encoded: answer["image"] as? String ?? ""))
                #expect(Image.format(of: [UInt8](bytes)) == .png)
            }
        }
    }

    @Test("only hides the named subject; keep leaves a consented subject visible and hides one without that consent")
    func keepAndOnly() async throws {
        let enrolled = try ServiceFixtures.enrollable("Paul_Wolfowitz/Paul_Wolfowitz_0002.jpg")
        let probe = try ServiceFixtures.bytes("Paul_Wolfowitz/Paul_Wolfowitz_0004.jpg")
        let harness = try await ServiceHarness.make()
        let key = harness.keyA
        try await harness.run { client in
            try await client.execute(
                uri: "/v1/subjects", method: .post, headers: HTTPBody.headers(key),
                body: try HTTPBody.json(["id": "paul"])
            ) { #expect($0.status == .created) }
            try await client.execute(
                uri: "/v1/subjects/paul/consents", method: .post, headers: HTTPBody.headers(key),
                body: try HTTPBody.json(SubjectRouteTests.consent)
            ) { #expect($0.status == .created) }
            try await client.execute(
                uri: "/v1/subjects/paul/faces", method: .post, headers: HTTPBody.headers(key, json: false),
                body: HTTPBody.multipart([("image", enrolled, "p.jpg")])
            ) { #expect($0.status == .created) }
            let cases: [([String: Any], Int, Int, String)] = [
                (["only": "paul"], 1, 0, "named_subject"),
                (["keep": "paul", "purpose": "identity_verification"], 0, 1, "consented_subject"),
                (["keep": "paul", "purpose": "publication"], 1, 0, "not_a_kept_subject"),
            ]
            for (fields, hidden, kept, reason) in cases {
                var body = fields
                body["image"] = Data(probe).base64EncodedString()
                body["answer"] = "json"
                try await client.execute(
                    uri: "/v1/redact", method: .post, headers: HTTPBody.headers(key), body: try HTTPBody.json(body)
                ) { response in
                    #expect(response.status == .ok, "\(fields)")
                    let document = try #require(try HTTPBody.object(response)["redaction"] as? [String: Any])
                    #expect(
                        document["hidden"] as? Int == hidden && document["kept"] as? Int == kept,
                        "\(fields): \(document)")
                    let face = (document["faces"] as? [[String: Any]])?.first
                    #expect(face?["reason"] as? String == reason, "\(fields): \(document)")
                }
            }
            // Tenant B cannot name tenant A's subject.
            try await client.execute(
                uri: "/v1/redact", method: .post, headers: HTTPBody.headers(harness.keyB),
                body: try HTTPBody.json(["image": Data(probe).base64EncodedString(), "only": "paul"])
            ) { response in
                #expect(response.status == .notFound)
                #expect(HTTPBody.code(response) == "not_found")
            }
        }
    }

    @Test("bad fields are 400 validation_failed with what is wrong; a non-image is refused")
    func badFields() async throws {
        let photo = try ServiceFixtures.bytes("Paul_Wolfowitz/Paul_Wolfowitz_0002.jpg")
        let harness = try await ServiceHarness.make()
        try await harness.run { client in
            let cases: [([String: Any], String)] = [
                (["style": "smudge"], "style"), (["margin": 5], "margin"), (["keep": "a", "only": "b"], "not both"),
                (["keep": "a"], "purpose"), (["purpose": "x"], "keep only"), (["format": "gif"], "format"),
                (["answer": "xml"], "answer"), (["fmr": 0.01], "fmr"), (["colour": "red"], "unknown field"),
            ]
            for (fields, mention) in cases {
                var body = fields
                body["image"] = Data(photo).base64EncodedString()
                try await client.execute(
                    uri: "/v1/redact", method: .post, headers: HTTPBody.headers(harness.keyA),
                    body: try HTTPBody.json(body)
                ) { response in
                    #expect(response.status == .badRequest, "\(fields)")
                    #expect(HTTPBody.code(response) == "validation_failed", "\(fields)")
                    let detail = (try? HTTPBody.object(response))?["detail"] as? String ?? ""
                    #expect(detail.contains(mention), "\(fields): \(detail)")
                }
            }
            // WebP cannot hold 17000 pixels a side: refused before any inference, not a 500 after it.
            let wide = try Image(bgr: [UInt8](repeating: 128, count: 17_000 * 64 * 3), width: 17_000, height: 64)
            try await client.execute(
                uri: "/v1/redact", method: .post, headers: HTTPBody.headers(harness.keyA),
                body: try HTTPBody.json([
                    "image": Data(try wide.encoded(as: .png)).base64EncodedString(), "format": "webp",
                ])
            ) { response in
                #expect(response.status == .badRequest)
                #expect(((try? HTTPBody.object(response))?["detail"] as? String)?.contains("png") == true)
            }
            try await client.execute(
                uri: "/v1/redact", method: .post, headers: HTTPBody.headers(harness.keyA),
                body: try HTTPBody.json(["image": Data("not an image".utf8).base64EncodedString()])
            ) { response in
                #expect(response.status.code >= 400 && response.status.code < 500)
            }
            try await client.execute(
                uri: "/v1/redact", method: .post, headers: HTTPBody.headers(nil),
                body: try HTTPBody.json(["image": Data(photo).base64EncodedString()])
            ) { #expect($0.status == .unauthorized) }
        }
    }
}
