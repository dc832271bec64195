import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Service

@Suite("HTTP API: query parameters are those the OpenAPI document declares")
struct QueryParameterTests {
    @Test("the shipped document's declarations are read per path template and method, arrays repeatable")
    func declarations() throws {
        let declared = DeclaredQueryParameters.shipped
        let audit = try #require(declared.parameters(template: "/v1/audit", method: "GET"))
        #expect(audit["after"] == .init(repeatable: false))
        #expect(audit["limit"] == .init(repeatable: false))
        #expect(audit["action"] == .init(repeatable: true))
        #expect(audit["bogus"] == nil)
        #expect(declared.parameters(template: "/v1/subjects/{id}/consents", method: "DELETE")?["purpose"] != nil)
        #expect(declared.parameters(template: "/v1/subjects/{id}/consents", method: "POST")?.isEmpty == true)
        #expect(declared.parameters(template: "/healthz", method: "HEAD")?.isEmpty == true, "HEAD is its GET")
        #expect(declared.parameters(template: "/nowhere", method: "GET") == nil)
    }

    @Test("problems: the unknown name (percent-decoded), a repeated scalar; a repeated array is fine")
    func problems() {
        let declared: [String: DeclaredQueryParameters.Parameter] = [
            "limit": .init(repeatable: false), "action": .init(repeatable: true),
        ]
        func problem(_ pairs: [(String, String)]) -> String? {
            DeclaredQueryParameters.problem(
                with: pairs.map { (key: Substring($0.0), value: Substring($0.1)) }, declared: declared)
        }
        #expect(problem([("limit", "2")]) == nil)
        #expect(problem([("action", "a"), ("action", "b")]) == nil)
        #expect(problem([("", "")]) == nil)
        #expect(problem([("limit", "1"), ("b%6Fgus", "1")]) == "unknown query parameter bogus")
        #expect(problem([("limit", "1"), ("limit", "2")]) == "query parameter limit is given more than once")
        #expect(problem([("", "5")]) == "unknown query parameter ")
    }

    @Test(
        "every route refuses an undeclared or repeated parameter with 400 validation_failed naming it",
        .enabled(if: ServiceFixtures.required, ServiceFixtures.skipReason))
    func routes() async throws {
        let harness = try await ServiceHarness.make()
        let key = harness.keyA
        _ = try await harness.gallery.createSubject(tenant: "acme", subject: "yao", metadata: nil)
        try await harness.run { client in
            func answer(_ method: HTTPRequest.Method, _ uri: String, auth: Bool = true) async throws
                -> (HTTPResponse.Status, String?, String?)
            {
                try await client.execute(uri: uri, method: method, headers: auth ? HTTPBody.auth(key) : [:]) {
                    response in
                    let body = try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                    return (response.status, body?["code"] as? String, body?["detail"] as? String)
                }
            }
            let refused: [(HTTPRequest.Method, String, String)] = [
                (.get, "/v1/audit?bogus=1", "unknown query parameter bogus"),
                (.get, "/v1/audit?after=0&limit=5&bogus=1", "unknown query parameter bogus"),
                (.get, "/v1/audit?limit=1&limit=2", "query parameter limit is given more than once"),
                (.get, "/v1/audit?b%6Fgus=1", "unknown query parameter bogus"),
                (.get, "/v1/subjects/yao?purpose=x", "unknown query parameter purpose"),
                (.delete, "/v1/subjects/yao/consents?purpose=p&bogus=1", "unknown query parameter bogus"),
                (.post, "/v1/detect?fmr=0.001", "unknown query parameter fmr"),
                (.post, "/v1/subjects/yao/faces?profile=selfie", "unknown query parameter profile"),
                (.get, "/healthz?x=1", "unknown query parameter x"),
                (.get, "/readyz?x=1", "unknown query parameter x"),
                (.get, "/metrics?x=1", "unknown query parameter x"),
                (.get, "/openapi.json?x=1", "unknown query parameter x"),
                (.get, "/capture?x=1", "unknown query parameter x"),
                // The capture link carries the token in its fragment, never in the query.
                (.get, "/capture?token=t", "unknown query parameter token"),
            ]
            for (method, uri, detail) in refused {
                let (status, code, message) = try await answer(method, uri)
                #expect(status == .badRequest, "\(method) \(uri)")
                #expect(code == "validation_failed", "\(method) \(uri)")
                #expect(message == detail, "\(method) \(uri)")
            }
            // Declared parameters pass, repeated ones when the schema is an array.
            #expect(try await answer(.get, "/v1/audit?after=0&limit=5").0 == .ok)
            #expect(try await answer(.get, "/v1/audit?action=erase&action=subject.create").0 == .ok)
            #expect(try await answer(.get, "/v1/audit?").0 == .ok)
            #expect(try await answer(.delete, "/v1/subjects/yao/consents?purpose=none").0 != .badRequest)
            #expect(try await answer(.get, "/healthz").0 == .ok)
            #expect(try await answer(.get, "/capture", auth: false).0 == .ok)
            // An unknown path stays 404: there is no operation to hold the query to.
            #expect(try await answer(.get, "/v1/nowhere?bogus=1").0 == .notFound)
        }
    }
}
