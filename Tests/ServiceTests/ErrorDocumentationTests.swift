import FaceKit
import Foundation
import Gallery
import TestSupport
import Testing
import Workflows

@testable import Service

/// docs/api.md's error table and the OpenAPI document's responses, held to the code: a new error
/// code without a row, or a row with the wrong status, fails here.
@Suite("Error documentation: every code in docs/api.md, every status in openapi.json")
struct ErrorDocumentationTests {
    static let root = Fixtures.repositoryRoot

    /// `code → status` from the rows of docs/api.md's `## Errors` table (`—` for no HTTP status).
    static func documentedCodes() throws -> [String: String] {
        let text = try String(contentsOf: root.appendingPathComponent("docs/api.md"), encoding: .utf8)
        let section =
            try #require(text.components(separatedBy: "\n## Errors\n").dropFirst().first)
            .components(separatedBy: "\n## ").first ?? ""
        var rows: [String: String] = [:]
        for line in section.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 2 else { continue }
            rows[cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))] = cells[1]
        }
        return rows
    }

    /// The string literals a source file gives its codes (`= "x"` or `Code(rawValue: "x")`),
    /// up to `marker` when given.
    static func codes(in relative: String, pattern: Regex<(Substring, Substring)>, before marker: String? = nil)
        throws -> [String]
    {
        var text = try String(contentsOf: root.appendingPathComponent(relative), encoding: .utf8)
        if let marker, let range = text.range(of: marker) { text = String(text[..<range.lowerBound]) }
        return text.matches(of: pattern).map { String($0.output.1) }
    }

    /// Every code the HTTP API can answer with: ProblemCode's (the CLI-only section left out),
    /// FaceKit's and Gallery's (their `invalid_argument` is reported as `validation_failed`).
    static func apiCodes() throws -> [String] {
        let problemCodes = try codes(
            in: "Sources/Workflows/Support/ProblemCode.swift", pattern: /static let \w+: ProblemCode = "([a-z_]+)"/,
            before: "// Files and configuration (CLI)")
        let libraryCodes =
            try codes(in: "Sources/FaceKit/Errors/FaceKitError.swift", pattern: /Code\(rawValue: "([a-z_]+)"\)/)
            + codes(in: "Sources/Gallery/GalleryError.swift", pattern: /Code\(rawValue: "([a-z_]+)"\)/)
        return Array(Set(problemCodes + libraryCodes).subtracting(["invalid_argument"])).sorted()
    }

    @Test("every code the API can answer with has a row in docs/api.md's error table")
    func everyCodeDocumented() throws {
        let documented = try Self.documentedCodes()
        let codes = try Self.apiCodes()
        #expect(codes.count > 30, "the sources were read: \(codes)")
        #expect(codes.contains("override_not_allowed") && codes.contains("data_tampered"))
        let missing = codes.filter { documented[$0] == nil }
        #expect(missing.isEmpty, "no row in docs/api.md for \(missing)")
        let unknown = Set(documented.keys).subtracting(codes).sorted()
        #expect(unknown.isEmpty, "rows for codes nothing answers with: \(unknown)")
    }

    @Test("the documented status of each library and workflow code is the one Problem maps it to")
    func documentedStatuses() throws {
        let documented = try Self.documentedCodes()
        var mapped: [String: Int] = [:]
        for code in try Self.codes(
            in: "Sources/FaceKit/Errors/FaceKitError.swift", pattern: /Code\(rawValue: "([a-z_]+)"\)/)
        where code != "invalid_argument" {
            mapped[code] = Int(Problem(face: FaceKitError(.init(rawValue: code), "x")).status.code)
        }
        for code in try Self.codes(in: "Sources/Gallery/GalleryError.swift", pattern: /Code\(rawValue: "([a-z_]+)"\)/)
        where code != "invalid_argument" {
            mapped[code] = Int(Problem(gallery: GalleryError(.init(rawValue: code), "x")).status.code)
        }
        for code: ProblemCode in [.lowQuality, .possibleDuplicate, .validationFailed, .notFound, .overrideNotAllowed] {
            mapped[code.rawValue] = Int(Problem(workflow: WorkflowError(code, "x")).status.code)
        }
        for (code, status) in mapped.sorted(by: { $0.key < $1.key }) {
            #expect(documented[code] == String(status), "docs/api.md: \(code) is \(documented[code] ?? "missing")")
        }
    }

    @Test("every operation in openapi.json documents 400 (an undeclared query parameter) and 500; /v1 ones 401")
    func everyStatusInTheDocument() throws {
        let document = try #require(OpenAPIController.document)
        let root = try #require(try JSONSerialization.jsonObject(with: document) as? [String: Any])
        let paths = try #require(root["paths"] as? [String: [String: Any]])
        var missing: [String] = []
        for (path, item) in paths {
            for (method, operation) in item where DeclaredQueryParameters.methods.contains(method) {
                let responses = ((operation as? [String: Any])?["responses"] as? [String: Any]) ?? [:]
                var needed = ["400", "500"]
                if path.hasPrefix("/v1/") { needed.append("401") }
                for status in needed where responses[status] == nil {
                    missing.append("\(method.uppercased()) \(path) \(status)")
                }
            }
        }
        #expect(missing.isEmpty, "undocumented: \(missing.sorted())")
    }
}
