import FaceKit
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Service

@Suite("HTTP API: health, detect, verify", .enabled(if: ServiceFixtures.required, ServiceFixtures.skipReason))
struct FaceRouteTests {
    @Test("health, readiness and the OpenAPI document need no key; metrics need one")
    func health() async throws {
        let harness = try await ServiceHarness.make()
        try await harness.run { client in
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .ok)
                #expect((try? HTTPBody.object(response))?["model_pack"] as? String != nil)
            }
            try await client.execute(uri: "/openapi.json", method: .get) { response in
                #expect(response.status == .ok)
                #expect((try? HTTPBody.object(response))?["openapi"] as? String == "3.1.0")
            }
            try await client.execute(uri: "/metrics", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/metrics", method: .get, headers: HTTPBody.auth(harness.keyA)) { response in
                #expect(response.status == .ok)
                let text = String(buffer: response.body)
                #expect(text.contains(#"likeness_http_requests_total{route="/readyz",method="GET",status="200"} 1"#))
                #expect(text.contains("likeness_inference_capacity"))
                // Per-tenant series are the admin listener's (OpsRoutesTests).
                #expect(!text.contains("tenant="))
            }
        }
    }

    @Test("detect assesses quality under the profile it is given, and names the ones it knows when refusing")
    func detectProfile() async throws {
        let photo = try ServiceFixtures.bytes("Paul_Wolfowitz/Paul_Wolfowitz_0002.jpg")
        let harness = try await ServiceHarness.make()
        try await harness.run { client in
            for (headers, body) in [
                (
                    HTTPBody.headers(harness.keyA),
                    try HTTPBody.json(["image": Data(photo).base64EncodedString(), "profile": "enrollment"])
                ),
                (
                    HTTPBody.headers(harness.keyA, json: false),
                    HTTPBody.multipart([("image", photo, "a.jpg"), ("profile", Array("enrollment".utf8), nil)])
                ),
            ] {
                try await client.execute(uri: "/v1/detect", method: .post, headers: headers, body: body) { response in
                    #expect(response.status == .ok)
                    let faces = try #require(try HTTPBody.object(response)["faces"] as? [[String: Any]])
                    let quality = try #require(faces.first?["quality"] as? [String: Any])
                    #expect(quality["profile"] as? String == "enrollment")
                    // The 250-pixel LFW crop is too small for enrolment: the reason is given.
                    #expect((quality["reasons"] as? [String])?.isEmpty == false)
                }
            }
            try await client.execute(
                uri: "/v1/detect", method: .post, headers: HTTPBody.headers(harness.keyA, json: false),
                body: HTTPBody.multipart([("image", photo, "a.jpg"), ("profile", Array("glamour".utf8), nil)])
            ) { response in
                #expect(response.status == .badRequest)
                let problem = try HTTPBody.object(response)
                #expect(problem["code"] as? String == "validation_failed")
                #expect((problem["detail"] as? String)?.contains("enrollment") == true)
            }
        }
    }

    @Test("detect gives boxes, keypoints, 106 landmarks, pose and quality, from JSON or multipart")
    func detect() async throws {
        let photo = try ServiceFixtures.bytes("Paul_Wolfowitz/Paul_Wolfowitz_0002.jpg")
        let harness = try await ServiceHarness.make()
        try await harness.run { client in
            for (headers, body) in [
                (HTTPBody.headers(harness.keyA), try HTTPBody.json(["image": Data(photo).base64EncodedString()])),
                (HTTPBody.headers(harness.keyA, json: false), HTTPBody.multipart([("image", photo, "a.jpg")])),
            ] {
                try await client.execute(uri: "/v1/detect", method: .post, headers: headers, body: body) { response in
                    #expect(response.status == .ok)
                    let answer = try HTTPBody.object(response)
                    let faces = try #require(answer["faces"] as? [[String: Any]])
                    let face = try #require(faces.first)
                    #expect((face["keypoints"] as? [[Double]])?.count == 5)
                    #expect((face["landmarks"] as? [[Double]])?.count == 106)
                    #expect((face["pose"] as? [String: Double])?["yaw"] != nil)
                    #expect((face["quality"] as? [String: Any])?["profile"] as? String == "selfie")
                    #expect(answer["width"] as? Int == 250)
                }
            }
            try await client.execute(
                uri: "/v1/detect", method: .post, headers: HTTPBody.headers(harness.keyA, json: false),
                body: HTTPBody.multipart([("image", photo, "a.jpg"), ("landmarks", Array("false".utf8), nil)])
            ) { response in
                let faces = try #require(try HTTPBody.object(response)["faces"] as? [[String: Any]])
                #expect(faces.first?["landmarks"] == nil)
            }
        }
    }

    @Test("verify decides at the calibrated FMR, from JSON or multipart")
    func verify() async throws {
        let a = try ServiceFixtures.bytes("Paul_Wolfowitz/Paul_Wolfowitz_0002.jpg")
        let b = try ServiceFixtures.bytes("Paul_Wolfowitz/Paul_Wolfowitz_0003.jpg")
        let c = try ServiceFixtures.bytes("Jennifer_Lopez/Jennifer_Lopez_0003.jpg")
        let harness = try await ServiceHarness.make()
        try await harness.run { client in
            try await client.execute(
                uri: "/v1/verify", method: .post, headers: HTTPBody.headers(harness.keyA),
                body: try HTTPBody.json([
                    "first": Data(a).base64EncodedString(), "second": Data(b).base64EncodedString(),
                ])
            ) { response in
                #expect(response.status == .ok)
                let answer = try HTTPBody.object(response)
                #expect(answer["decision"] as? String == "match")
                #expect(answer["fmr"] as? Double == 1e-4)
                #expect((answer["faces"] as? [Any])?.count == 2)
            }
            try await client.execute(
                uri: "/v1/verify", method: .post, headers: HTTPBody.headers(harness.keyA, json: false),
                body: HTTPBody.multipart([
                    ("first", a, "a.jpg"), ("second", c, "c.jpg"), ("fmr", Array("1e-5".utf8), nil),
                ])
            ) { response in
                #expect(response.status == .ok)
                let answer = try HTTPBody.object(response)
                #expect(answer["decision"] as? String == "no_match")
                #expect(answer["fmr"] as? Double == 1e-5)
            }
        }
    }

    @Test("an image without a face is 422 no_face, naming the side")
    func unusableFace() async throws {
        let photo = try ServiceFixtures.bytes("Paul_Wolfowitz/Paul_Wolfowitz_0002.jpg")
        let background = try Image.decode(photo).cropped(x: 0, y: 0, width: 60, height: 60).encoded(as: .png)
        let harness = try await ServiceHarness.make()
        try await harness.run { client in
            try await client.execute(
                uri: "/v1/verify", method: .post, headers: HTTPBody.headers(harness.keyA, json: false),
                body: HTTPBody.multipart([("first", photo, "a.jpg"), ("second", background, "b.png")])
            ) { response in
                #expect(response.status == .unprocessableContent)
                let problem = try HTTPBody.object(response)
                #expect(problem["code"] as? String == "no_face")
                #expect((problem["detail"] as? String)?.contains("second") == true)
            }
        }
    }
}
