import FaceKit
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import TestSupport
import Testing

@testable import Gallery
@testable import Service

/// Every event a logger sent, kept for the test to read (the application's logger in these tests).
final class CapturedLog: Sendable {
    struct Entry: Sendable {
        let level: Logger.Level
        let label: String
        let message: String
        let metadata: Logger.Metadata

        /// The event as both production formats would write it: what an operator would read.
        var rendered: [String] {
            let time = Date()
            return [
                LogLine.text(time: time, level: level, label: label, message: message, metadata: metadata),
                LogLine.json(time: time, level: level, label: label, message: message, metadata: metadata),
            ]
        }

        func value(_ key: String) -> String? { metadata[key]?.description }
    }

    private let entries = Mutex<[Entry]>([])

    var all: [Entry] { entries.withLock { $0 } }

    func append(_ entry: Entry) { entries.withLock { $0.append(entry) } }

    /// A logger at `trace` whose every event lands here.
    func logger(label: String = "likeness.http") -> Logger {
        Logger(label: label) { label in CapturingLogHandler(label: label, log: self) }
    }
}

struct CapturingLogHandler: LogHandler {
    let label: String
    let log: CapturedLog
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let own = event.metadata { merged.merge(own) { _, new in new } }
        log.append(.init(level: event.level, label: label, message: event.message.description, metadata: merged))
    }
}

@Suite(
    "Logs: request lines, unexpected errors with their cause, nothing secret",
    .enabled(if: ServiceFixtures.required, ServiceFixtures.skipReason))
struct LoggingTests {
    static var consent: [String: Any] {
        [
            "purpose": "identity_verification", "text_version": "v1",
            "text": "I agree that Likeness may compare my face (consent-text-marker).", "evidence": "checkbox",
        ]
    }

    @Test("a store that breaks mid-run: one error line with the cause and the id the client got, no payload")
    func unexpectedErrorIsLoggedOnceWithoutSecrets() async throws {
        let harness = try await ServiceHarness.make()
        defer { try? FileManager.default.removeItem(at: harness.directory) }
        let analyzer = try Fixtures.analyzer()
        let log = CapturedLog()
        let app = buildApplication(
            configuration: harness.configuration, analyzer: analyzer, gallery: harness.gallery,
            logger: log.logger())
        let subject = "subject-q7x"
        let photo = try ServiceFixtures.enrollable("Paul_Wolfowitz/Paul_Wolfowitz_0002.jpg")
        let base64 = Data(photo).base64EncodedString()
        // The template the failed enrolment computed: none of its numbers may reach the log.
        let template = try await analyzer.analyze(try Image.decode(photo)).embedding.vector
        let key = harness.keyA
        let forged = "lk_forged_" + String(repeating: "ab", count: 24)
        let failed = Mutex<(status: HTTPResponse.Status, id: String?, code: String?)?>(nil)
        let answered = Mutex<[(route: String, status: Int, id: String?)]>([])

        try await app.test(.router) { client in
            func record(_ route: String, _ response: TestResponse) {
                answered.withLock { $0.append((route, Int(response.status.code), response.headers[.requestID])) }
            }
            try await client.execute(
                uri: "/v1/subjects", method: .post, headers: HTTPBody.headers(key),
                body: try HTTPBody.json(["id": subject])
            ) { response in
                #expect(response.status == .created)
                record("/v1/subjects", response)
            }
            try await client.execute(
                uri: "/v1/subjects/\(subject)/consents", method: .post, headers: HTTPBody.headers(key),
                body: try HTTPBody.json(LoggingTests.consent)
            ) { response in
                #expect(response.status == .created)
                record("/v1/subjects/{id}/consents", response)
            }
            // The database loses a table under the running server (a botched manual migration,
            // say): the enrolment that follows fails inside the server, not because of the client.
            let store = try #require(harness.gallery.store as? SQLiteStore)
            try await store.pool.write { db in try db.execute(sql: "DROP TABLE template") }
            try await client.execute(
                uri: "/v1/subjects/\(subject)/faces", method: .post, headers: HTTPBody.headers(key),
                body: try HTTPBody.json(["image": base64])
            ) { response in
                failed.withLock { $0 = (response.status, response.headers[.requestID], HTTPBody.code(response)) }
                record("/v1/subjects/{id}/faces", response)
            }
            // Client errors: an unknown key (401) and an unknown path (404) are not errors.
            try await client.execute(
                uri: "/v1/subjects/\(subject)", method: .get, headers: HTTPBody.auth(forged)
            ) { response in
                #expect(response.status == .unauthorized)
                record("/v1/subjects/{id}", response)
            }
            try await client.execute(uri: "/nowhere/\(subject)?token=\(forged)", method: .get) { response in
                #expect(response.status == .notFound)
                // Hummingbird's name for "no route matched", as the metrics use it.
                record("NotFound", response)
            }
        }

        let failure = try #require(failed.withLock { $0 })
        #expect(failure.status.code >= 500, "the broken store must answer 5xx, got \(failure.status)")
        #expect(["store_error", "internal_error"].contains(failure.code), "\(String(describing: failure.code))")
        let failureID = try #require(failure.id, "the problem response must carry X-Request-Id")
        let entries = log.all

        // Exactly one error line: the enrolment's, with its cause and the id the client was given.
        let errors = entries.filter { $0.level >= .error }
        try #require(errors.count == 1, "\(errors.map(\.rendered))")
        let error = errors[0]
        #expect(error.value("hb.request.id") == failureID)
        #expect(error.value("error.type")?.isEmpty == false, "\(error.metadata)")
        #expect(error.value("error.message")?.contains("no such table: template") == true, "\(error.metadata)")

        // One request line per request, with method, route pattern, status, duration and id.
        let requestLines = entries.filter { $0.metadata["http.route"] != nil && $0.metadata["http.method"] != nil }
        let responses = answered.withLock { $0 }
        #expect(requestLines.count == responses.count, "\(requestLines.map(\.message))")
        for (line, response) in zip(requestLines, responses) {
            #expect(line.value("http.route") == response.route)
            #expect(line.value("http.status") == String(response.status))
            #expect(line.value("http.method") != nil)
            #expect(line.value("http.duration_ms").flatMap(Double.init) != nil)
            #expect(response.id != nil && line.value("hb.request.id") == response.id)
            #expect(response.status >= 500 || line.level <= .info, "client errors are not logged as errors")
        }
        #expect(Set(responses.compactMap(\.id)).count == responses.count, "each request gets its own id")

        // Nothing secret or bulky in any line, in either format.
        let rendered = entries.flatMap(\.rendered)
        #expect(!rendered.isEmpty)
        let windows = stride(from: 0, to: base64.count - 40, by: max(1, base64.count / 16)).map {
            String(base64.dropFirst($0).prefix(40))
        }
        let components = template.prefix(32).map { String(describing: $0) }.filter { $0.count >= 7 }
        #expect(!components.isEmpty)
        for line in rendered {
            #expect(!line.contains(key) && !line.contains(forged) && !line.contains("lk_"), "a key leaked: \(line)")
            #expect(!line.lowercased().contains("bearer"), "\(line)")
            #expect(!windows.contains(where: line.contains), "an image leaked: \(line.prefix(200))")
            #expect(line.firstMatch(of: #/[A-Za-z0-9+\/=]{64,}/#) == nil, "base64 in \(line.prefix(200))")
            #expect(!components.contains(where: line.contains), "a template leaked: \(line.prefix(200))")
            #expect(line.firstMatch(of: #/(-?\d\.\d{4,}[,\s]+){4,}/#) == nil, "numbers in \(line.prefix(200))")
            #expect(!line.contains("consent-text-marker"), "consent text leaked: \(line)")
            #expect(!line.contains(subject), "a raw path leaked: \(line)")
            #expect(!line.contains("token="), "a query string leaked: \(line)")
        }
    }

    @Test("X-Request-Id: a short safe incoming id is kept, anything else replaced, on success and on problems")
    func requestIDs() async throws {
        let harness = try await ServiceHarness.make()
        defer { try? FileManager.default.removeItem(at: harness.directory) }
        let log = CapturedLog()
        let app = buildApplication(
            configuration: harness.configuration, analyzer: try Fixtures.analyzer(),
            gallery: harness.gallery, logger: log.logger())
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get, headers: [.requestID: "trace-42.a:b_c"]) {
                response in
                #expect(response.headers[.requestID] == "trace-42.a:b_c")
            }
            for hostile in ["has space", String(repeating: "x", count: 65), "line\u{7}bell", "ünïcode"] {
                try await client.execute(uri: "/v1/subjects/x", method: .get, headers: [.requestID: hostile]) {
                    response in
                    #expect(response.status == .unauthorized)
                    let id = try #require(response.headers[.requestID])
                    #expect(id != hostile && RequestIdentifier.accepted(id) == id)
                }
            }
        }
        #expect(log.all.allSatisfy { $0.level < .error })
        #expect(
            log.all.contains { $0.value("hb.request.id") == "trace-42.a:b_c" && $0.value("http.route") == "/healthz" })
    }
}

@Suite("Log lines: one event, one line, in text or JSON")
struct LogLineTests {
    static let time = Date(timeIntervalSince1970: 1_764_624_787.125)

    @Test("text: time, level, label, message, then sorted key=value pairs; awkward values quoted")
    func text() {
        let line = LogLine.text(
            time: Self.time, level: .info, label: "likeness.http", message: "GET /v1/subjects/{id} 200\nforged",
            metadata: ["http.status": "200", "b": "two words", "a": .stringConvertible(3)])
        #expect(
            line
                == "2025-12-01T21:33:07.125Z info likeness.http: GET /v1/subjects/{id} 200\\nforged a=3 b=\"two words\" http.status=200"
        )
        #expect(!line.contains("\n"))
    }

    @Test("json: one object with time, level, label, message and metadata")
    func json() throws {
        let line = LogLine.json(
            time: Self.time, level: .error, label: "likeness.http", message: "unexpected \"error\"\n",
            metadata: ["error.type": "Gallery.GalleryError", "list": ["a", "b"], "nested": ["k": "v"]])
        #expect(!line.contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["time"] as? String == "2025-12-01T21:33:07.125Z")
        #expect(object["level"] as? String == "error")
        #expect(object["label"] as? String == "likeness.http")
        #expect(object["message"] as? String == "unexpected \"error\"\n")
        let metadata = try #require(object["metadata"] as? [String: Any])
        #expect(metadata["error.type"] as? String == "Gallery.GalleryError")
        #expect(metadata["list"] as? [String] == ["a", "b"])
        #expect((metadata["nested"] as? [String: String])?["k"] == "v")
    }

    @Test("the handler writes at its level and above, with the logger's metadata")
    func handler() {
        let lines = Mutex<[String]>([])
        var logger = Logger(label: "t") { label in
            LineLogHandler(label: label, level: .notice, format: .json) { line in lines.withLock { $0.append(line) } }
        }
        logger[metadataKey: "hb.request.id"] = "r1"
        logger.info("dropped")
        logger.warning("kept")
        let written = lines.withLock { $0 }
        #expect(written.count == 1)
        #expect(written.first?.contains("\"hb.request.id\":\"r1\"") == true)
        #expect(written.first?.contains("\"message\":\"kept\"") == true)
    }

    @Test("an error's description is scrubbed of keys, bearer tokens, base64, hex and number lists")
    func redaction() {
        let secret = "lk_a1b2c3_" + String(repeating: "9f", count: 24)
        let base64 = Data((0..<120).map { UInt8($0) }).base64EncodedString()
        let numbers = (0..<12).map { String(Float($0) / 7) }.joined(separator: ", ")
        let scrubbed = LogRedaction.scrub(
            "failed for \(secret) with Bearer abc.def body \(base64) hash \(String(repeating: "ab", count: 20)) vector [\(numbers)]: no such table: template"
        )
        #expect(!scrubbed.contains(secret) && !scrubbed.contains("abc.def") && !scrubbed.contains(base64))
        #expect(!scrubbed.contains(String(repeating: "ab", count: 20)) && !scrubbed.contains(numbers))
        #expect(scrubbed.hasSuffix("no such table: template"), "\(scrubbed)")
        #expect(LogRedaction.scrub(String(repeating: "word ", count: 500)).count <= LogRedaction.maxLength + 1)
    }

    @Test("incoming request ids: short tokens of safe characters only")
    func acceptedIDs() {
        #expect(RequestIdentifier.accepted("abc-123_x.y:z") == "abc-123_x.y:z")
        #expect(RequestIdentifier.accepted(String(repeating: "a", count: 64)) != nil)
        for bad in [nil, "", String(repeating: "a", count: 65), "a b", "a\nb", "ä", "a;b", "a/b"] {
            #expect(RequestIdentifier.accepted(bad) == nil)
        }
    }
}
