import FaceKit
import Foundation
import TestSupport
import Testing

/// `likeness identify` and `likeness search` as users run them: the same documents as the routes.
@Suite(
    "likeness identify",
    .enabled(if: Fixtures.needsModelsAndData, "models or ../shared/data missing (developer machine): skipped"))
struct IdentifyCLITests {
    let cli = CLITests()

    @Test("identify names each face of a group photo, prints the route's document, and exits 1 on strangers only")
    func identify() throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("likeness-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: data) }
        func write(_ name: String, _ bytes: [UInt8]) throws -> String {
            let path = data.appendingPathComponent(name).path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            return path
        }
        let enrolments = [
            "bush": "George_W_Bush/George_W_Bush_0353.jpg", "blair": "Tony_Blair/Tony_Blair_0006.jpg",
        ]
        for (subject, image) in enrolments {
            let file = try write("\(subject).png", try GroupPhotos.portrait(image).encoded(as: .png))
            let run = try cli.likeness(arguments: [
                "enroll", "--data", data.path, "--subject", subject, "--no-consent-required", "--no-quality", file,
            ])
            #expect(run.status == 0, "\(run)")
        }
        let group = try write(
            "group.png",
            try GroupPhotos.png([
                "Tony_Blair/Tony_Blair_0094.jpg", "AJ_Cook/AJ_Cook_0001.jpg", "George_W_Bush/George_W_Bush_0407.jpg",
            ]))
        let text = try cli.likeness(arguments: ["identify", "--data", data.path, group])
        #expect(text.status == 0, "\(text)")
        #expect(
            text.stdout.contains("3 faces, 2 identified") && text.stdout.contains("over 2 subjects"), "\(text.stdout)")
        let json = try cli.likeness(arguments: ["identify", "--data", data.path, "--json", "--fpir", "1e-2", group])
        #expect(json.status == 0, "\(json)")
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(answer["gallery_size"] as? Int == 2 && answer["fpir"] as? Double == 1e-2)
        let faces = try #require(answer["faces"] as? [[String: Any]])
        let names = faces.sorted { ($0["box"] as! [Double])[0] < ($1["box"] as! [Double])[0] }.map {
            $0["subject"] as? String
        }
        #expect(names == ["blair", nil, "bush"])
        let stranger = try write("stranger.png", try GroupPhotos.png(["AJ_Cook/AJ_Cook_0001.jpg"]))
        let unknown = try cli.likeness(arguments: ["identify", "--data", data.path, stranger])
        #expect(unknown.status == 1 && unknown.stdout.contains("unknown"), "\(unknown)")
        let both = try cli.likeness(arguments: [
            "identify", "--data", data.path, "--fpir", "1e-3", "--fmr", "1e-4", group,
        ])
        #expect(both.status == 2 && both.stderr.contains("not more than one"), "\(both)")
        let tooMany = try cli.likeness(arguments: ["identify", "--data", data.path, "--max-faces", "101", group])
        #expect(tooMany.status == 2 && tooMany.stderr.contains("--max-faces"), "\(tooMany)")
        let uncalibrated = try cli.likeness(arguments: ["identify", "--data", data.path, "--fpir", "0.5", group])
        #expect(
            uncalibrated.status == 2 && uncalibrated.stderr.hasPrefix("error: uncalibrated_fpir:"), "\(uncalibrated)")
        let search = try cli.likeness(arguments: ["search", "--data", data.path, "--json", stranger])
        #expect(search.status == 1 && search.stdout.contains(#""decision":"unknown""#), "\(search)")
        #expect(search.stdout.contains(#""gallery_size":2"#))
        let help = try cli.likeness(arguments: ["search", "--help"])
        #expect(
            help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ").contains("(default: 1e-3,")
                && help.stdout.contains("Examples:"), "\(help.stdout)")
    }
}
