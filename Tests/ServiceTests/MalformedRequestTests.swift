import FaceKit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Service

/// One malformed request and the problem it must get.
struct MalformedCase: Sendable, CustomTestStringConvertible {
    var name: String
    var method: HTTPRequest.Method = .post
    var uri: String
    var contentType: String? = "application/json"
    var body: [UInt8]
    var extraHeaders: [(String, String)] = []
    var status: Int
    var code: String

    var testDescription: String { name }

    static func json(_ name: String, _ uri: String, _ body: String, _ status: Int, _ code: String) -> MalformedCase {
        MalformedCase(name: name, uri: uri, body: Array(body.utf8), status: status, code: code)
    }

    static func multipart(
        _ name: String, _ uri: String, _ body: String, boundary: String? = "b0undary", _ status: Int, _ code: String
    ) -> MalformedCase {
        MalformedCase(
            name: name, uri: uri,
            contentType: "multipart/form-data" + (boundary.map { "; boundary=\($0)" } ?? ""),
            body: Array(body.utf8), status: status, code: code)
    }
}

@Suite("HTTP API: malformed requests", .enabled(if: ServiceFixtures.required, ServiceFixtures.skipReason))
struct MalformedRequestTests {
    static let jpegHeaderOnly = "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDAoI"
    static let png1x1 =
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    static let part = "--b0undary\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.jpg\"\r\n\r\n"

    static let cases: [MalformedCase] = [
        .json("empty body", "/v1/detect", "", 400, "validation_failed"),
        .json("truncated JSON", "/v1/detect", "{\"image\": \"abc", 400, "validation_failed"),
        .json("JSON array", "/v1/detect", "[1, 2]", 400, "validation_failed"),
        .json("JSON string", "/v1/detect", "\"image\"", 400, "validation_failed"),
        .json("JSON null", "/v1/detect", "null", 400, "validation_failed"),
        .json("image is a number", "/v1/detect", #"{"image": 5}"#, 400, "validation_failed"),
        .json("image is an object", "/v1/detect", #"{"image": {"a": 1}}"#, 400, "validation_failed"),
        .json("image is null", "/v1/detect", #"{"image": null}"#, 400, "validation_failed"),
        .json("invalid base64", "/v1/detect", #"{"image": "%%%***"}"#, 400, "validation_failed"),
        .json("base64 of nothing", "/v1/detect", #"{"image": ""}"#, 400, "validation_failed"),
        .json("unknown field", "/v1/detect", #"{"image": "aGVsbG8=", "extra": 1}"#, 400, "validation_failed"),
        .json("trailing comma", "/v1/detect", #"{"image": "aGk=",}"#, 400, "validation_failed"),
        .json("garbage after the object", "/v1/detect", #"{"image": "aGk="} x"#, 400, "validation_failed"),
        .json("padding inside base64", "/v1/detect", #"{"image": "aG=k"}"#, 400, "validation_failed"),
        .json("images array holding a number", "/v1/cluster", #"{"images": ["aGk=", 5]}"#, 400, "validation_failed"),
        .json(
            "a field holding an array", "/v1/detect", #"{"image": "aGk=", "landmarks": [true]}"#, 400,
            "validation_failed"),
        .json("not an image", "/v1/detect", #"{"image": "aGVsbG8gd29ybGQ="}"#, 415, "unsupported_format"),
        .json("truncated JPEG", "/v1/detect", #"{"image": "\#(jpegHeaderOnly)"}"#, 422, "image_unreadable"),
        .json("1x1 PNG", "/v1/detect", #"{"image": "\#(png1x1)"}"#, 422, "image_too_small"),
        .json(
            "landmarks not a boolean", "/v1/detect", #"{"image": "aGk=", "landmarks": "yes"}"#, 400, "validation_failed"
        ),
        .json("verify missing second", "/v1/verify", #"{"first": "aGVsbG8="}"#, 400, "validation_failed"),
        .json(
            "verify fmr out of range", "/v1/verify", #"{"first": "aGk=", "second": "aGk=", "fmr": 2}"#, 400,
            "validation_failed"),
        .json(
            "verify fmr not calibrated", "/v1/verify", #"{"first": "\#(png1x1)", "second": "\#(png1x1)", "fmr": 0.5}"#,
            400, "validation_failed"),
        .json(
            "verify document not a boolean", "/v1/verify", #"{"first": "aGk=", "second": "aGk=", "document": 1}"#, 400,
            "validation_failed"),
        .json("search k out of range", "/v1/search", #"{"image": "aGk=", "k": 1000}"#, 400, "validation_failed"),
        .json("search k fractional", "/v1/search", #"{"image": "aGk=", "k": 2.5}"#, 400, "validation_failed"),
        .json(
            "enrol with an unknown policy", "/v1/subjects/x/faces", #"{"image": "aGk=", "policy": "maybe"}"#, 400,
            "validation_failed"),
        .json("enrol without images", "/v1/subjects/x/faces", #"{"policy": "reject"}"#, 400, "validation_failed"),
        .json(
            "cluster threshold out of range", "/v1/cluster", #"{"images": ["aGk="], "threshold": 3}"#, 400,
            "validation_failed"),
        .json("subject without id", "/v1/subjects", #"{"metadata": "m"}"#, 400, "validation_failed"),
        .json("subject id of the wrong type", "/v1/subjects", #"{"id": 7}"#, 400, "validation_failed"),
        .json("subject id empty", "/v1/subjects", #"{"id": ""}"#, 400, "validation_failed"),
        .json(
            "subject metadata too long", "/v1/subjects",
            #"{"id": "m", "metadata": {"m": "\#(String(repeating: "m", count: 17_000))"}}"#, 400, "validation_failed"),
        .json(
            "consent without text", "/v1/subjects/x/consents", #"{"purpose": "p", "text_version": "v"}"#, 400,
            "validation_failed"),
        .json(
            "consent with an empty purpose", "/v1/subjects/x/consents",
            #"{"purpose": "", "text_version": "v", "text": "t"}"#, 400, "validation_failed"),
        MalformedCase(
            name: "wrong content type", uri: "/v1/detect", contentType: "text/plain",
            body: Array(#"{"image": "aGk="}"#.utf8), status: 415, code: "unsupported_media_type"),
        MalformedCase(
            name: "no content type", uri: "/v1/verify", contentType: nil, body: Array("{}".utf8), status: 415,
            code: "unsupported_media_type"),
        MalformedCase(
            name: "form-urlencoded", uri: "/v1/search", contentType: "application/x-www-form-urlencoded",
            body: Array("image=abc".utf8), status: 415, code: "unsupported_media_type"),
        MalformedCase(
            name: "JSON-only route given multipart", uri: "/v1/subjects",
            contentType: "multipart/form-data; boundary=b0undary", body: Array("--b0undary--".utf8), status: 415,
            code: "unsupported_media_type"),
        .multipart("multipart without boundary", "/v1/detect", "--b0undary--", boundary: nil, 400, "validation_failed"),
        .multipart(
            "multipart boundary too long", "/v1/detect", "--x--", boundary: String(repeating: "x", count: 80), 400,
            "validation_failed"),
        .multipart("multipart truncated", "/v1/detect", part + "\u{FF}\u{D8}", 400, "validation_failed"),
        .multipart("multipart with no parts", "/v1/detect", "--b0undary--\r\n", 400, "validation_failed"),
        .multipart(
            "multipart part without a name", "/v1/detect",
            "--b0undary\r\nContent-Disposition: form-data\r\n\r\nabc\r\n--b0undary--\r\n", 400, "validation_failed"),
        .multipart(
            "multipart part without disposition", "/v1/detect",
            "--b0undary\r\nContent-Type: text/plain\r\n\r\nabc\r\n--b0undary--\r\n", 400, "validation_failed"),
        .multipart("multipart empty file", "/v1/detect", part + "\r\n--b0undary--\r\n", 400, "validation_failed"),
        .multipart(
            "multipart unknown field", "/v1/detect",
            "--b0undary\r\nContent-Disposition: form-data; name=\"bogus\"\r\n\r\n1\r\n--b0undary--\r\n", 400,
            "validation_failed"),
        .multipart(
            "multipart garbage file", "/v1/detect", part + "not an image at all\r\n--b0undary--\r\n", 415,
            "unsupported_format"),
        .multipart(
            "multipart image given twice", "/v1/detect", part + "abc\r\n" + part + "def\r\n--b0undary--\r\n", 400,
            "validation_failed"),
        .multipart(
            "multipart header with non-ASCII bytes", "/v1/detect",
            "--b0undary\r\nX\u{E9}: y\r\n\r\nz\r\n--b0undary--\r\n", 400, "validation_failed"),
        .multipart(
            "multipart header without a colon", "/v1/detect",
            "--b0undary\r\nContent-Disposition form-data\r\n\r\nz\r\n--b0undary--\r\n", 400, "validation_failed"),
        .multipart("multipart without an opening delimiter", "/v1/detect", "hello\r\n", 400, "validation_failed"),
        .multipart(
            "multipart fmr not a number", "/v1/verify",
            "--b0undary\r\nContent-Disposition: form-data; name=\"fmr\"\r\n\r\nlow\r\n--b0undary--\r\n", 400,
            "validation_failed"),
        MalformedCase(
            name: "revoke consent without purpose", method: .delete, uri: "/v1/subjects/x/consents", contentType: nil,
            body: [], status: 400, code: "validation_failed"),
        MalformedCase(
            name: "audit limit out of range", method: .get, uri: "/v1/audit?limit=0", contentType: nil, body: [],
            status: 400, code: "validation_failed"),
        MalformedCase(
            name: "audit after not a number", method: .get, uri: "/v1/audit?after=abc", contentType: nil, body: [],
            status: 400, code: "validation_failed"),
        MalformedCase(
            name: "unknown route", uri: "/v1/nothing", body: Array("{}".utf8), status: 404, code: "not_found"),
        MalformedCase(
            name: "unknown subject", method: .get, uri: "/v1/subjects/nobody", contentType: nil, body: [], status: 404,
            code: "not_found"),
        MalformedCase(
            name: "over-long subject id", method: .get, uri: "/v1/subjects/" + String(repeating: "s", count: 200),
            contentType: nil, body: [], status: 400, code: "validation_failed"),
    ]

    @Test("each malformed request gets its problem+json code, never a 500", arguments: cases)
    func malformed(_ test: MalformedCase) async throws {
        let harness = try await ServiceHarness.make()
        try await harness.run { client in
            var headers = HTTPBody.auth(harness.keyA)
            if let contentType = test.contentType { headers[.contentType] = contentType }
            for (name, value) in test.extraHeaders { headers[HTTPField.Name(name)!] = value }
            try await client.execute(
                uri: test.uri, method: test.method, headers: headers, body: ByteBuffer(bytes: test.body)
            ) { response in
                #expect(response.status.code == test.status, "\(test.name): \(String(buffer: response.body))")
                #expect(response.headers[.contentType] == "application/problem+json", "\(test.name)")
                let problem = try HTTPBody.object(response)
                #expect(problem["code"] as? String == test.code, "\(test.name): \(problem)")
                #expect(problem["status"] as? Int == test.status)
                #expect(problem["type"] as? String == "urn:likeness:problem:\(test.code)")
            }
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test("JSON images are decoded from the bytes: data: prefix, JSON escapes, whitespace, URL alphabet, no padding")
    func jsonImages() throws {
        let body =
            #"{"image": "data:image/png;base64,aGVs\nbG8=", "images": ["a\/8=", "-_8"], "k": 2.5, "s": "x\u00e9", "b": false, "n": null}"#
        let request = try ImageRequest.fromJSON(Data(body.utf8), imageFields: ["image", "images"])
        #expect(request.images("image") == [Array("hello".utf8)])
        #expect(request.images("images") == [[0x6B, 0xFF], [0xFB, 0xFF]])
        #expect(try request.double("k") == 2.5)
        #expect(try request.string("s") == "x\u{E9}")
        #expect(try request.bool("b") == false)
        #expect(request.fields["n"] == nil || request.fields["n"]?.isEmpty == true)
    }

    @Test("a JSON body as JSONSerialization writes it (slashes escaped) gives back the image bytes")
    func jsonImagesRoundTrip() throws {
        let bytes = (0..<3_000).map { UInt8(truncatingIfNeeded: $0 &* 37) }
        let data = try JSONSerialization.data(withJSONObject: ["image": Data(bytes).base64EncodedString()])
        #expect(try ImageRequest.fromJSON(data, imageFields: ["image"]).images("image") == [bytes])
    }

    @Test("there are at least 30 malformed cases")
    func enoughCases() { #expect(Self.cases.count >= 30) }
}
