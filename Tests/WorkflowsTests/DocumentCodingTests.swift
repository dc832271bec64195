import FaceKit
import Foundation
import Testing

@testable import Workflows

/// The one spelling of every result document: the decision's codes, snake_case keys, sorted keys,
/// ISO 8601 dates and the rounding policy. The CLI and the HTTP API share these, so a change here
/// changes both answers.
@Suite("Workflows: document coding")
struct DocumentCodingTests {
    static func json(_ value: some Encodable) throws -> String {
        String(decoding: try DocumentEncoding.encode(value), as: UTF8.self)
    }

    @Test("a decision is written match / no_match, read back, and anything else is refused")
    func decisionCoding() throws {
        #expect(Decision(true) == .match && Decision(false) == .noMatch)
        #expect(Decision.match.isMatch && !Decision.noMatch.isMatch)
        #expect(try Self.json([Decision.match, .noMatch]) == #"["match","no_match"]"#)
        let decoded = try JSONDecoder().decode([Decision].self, from: Data(#"["no_match","match"]"#.utf8))
        #expect(decoded == [.noMatch, .match])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([Decision].self, from: Data(#"["noMatch"]"#.utf8))
        }
    }

    struct Stamp: Encodable {
        var zebra = 1
        var apple = "a/b"
        var at = Date(timeIntervalSince1970: 1_800_000_000)
    }

    @Test("keys are sorted, slashes are not escaped, dates are ISO 8601 in UTC")
    func encoding() throws {
        #expect(try Self.json(Stamp()) == #"{"apple":"a/b","at":"2027-01-15T08:00:00Z","zebra":1}"#)
    }

    @Test("a verify document's keys are snake_case and sorted; a raw threshold has no fmr key")
    func verifyKeys() throws {
        var document = VerifyDocument(
            similarity: 0.5, threshold: 0.25, fmr: 0.5, decision: .match, faces: [], faceCounts: [1, 2],
            reasons: ["second:blur"])
        #expect(
            try Self.json(document)
                == #"{"decision":"match","face_counts":[1,2],"faces":[],"fmr":0.5,"reasons":["second:blur"],"similarity":0.5,"threshold":0.25}"#
        )
        document.fmr = nil
        #expect(try !Self.json(document).contains("fmr"))
    }

    @Test("coordinates round to 2 decimals, scores to 4, openness ratios to 3")
    func rounding() {
        #expect(Rounding.coordinate(12.3456) == 12.35)
        #expect(Rounding.coordinate(-7.004) == -7)
        #expect(Rounding.score(0.123_456) == 0.1235)
        #expect(Rounding.score(Float(0.25)) == 0.25)
        #expect(Rounding.ratio(0.123_56) == 0.124)
    }

    @Test("a cluster document rounds its faces as it builds them and spells faces_ignored")
    func clusterDocument() throws {
        let face = ClusterDocument.FaceRef(image: 3, box: [1.234_56, 2, 30.005_1, 40.999], score: 0.987_654)
        #expect(face.box == [1.23, 2, 30.01, 41])
        #expect(face.score == 0.9877)
        let document = ClusterDocument(
            threshold: 0.45, groups: [], unsorted: [face],
            skipped: [.init(image: 1, code: ProblemCode(FaceKitError.Code.imageUnreadable))],
            facesIgnored: 2, images: nil)
        let text = try Self.json(document)
        #expect(text.contains(#""faces_ignored":2"#), "\(text)")
        #expect(text.contains(#""skipped":[{"code":"image_unreadable","image":1}]"#), "\(text)")
        #expect(!text.contains("images"), "no paths over HTTP: \(text)")
        #expect(try JSONDecoder().decode(ClusterDocument.self, from: Data(text.utf8)) == document)
    }
}
