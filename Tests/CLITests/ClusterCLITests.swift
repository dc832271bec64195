import Foundation
import TestSupport
import Testing

/// `likeness cluster` on real photos: accuracy on LFW, the cache and stable group ids.
@Suite(
    "likeness cluster",
    .enabled(if: Fixtures.needsModelsAndData, "models or ../shared/data missing (developer machine): skipped"))
struct ClusterCLITests {
    let cli = CLITests()

    func run(_ arguments: [String]) throws {
        let result = try cli.likeness(arguments: arguments)
        #expect(result.status == 0, "\(result.stderr)")
    }

    func readJSON(_ path: String) throws -> [String: Any] {
        let data = try #require(FileManager.default.contents(atPath: path))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// Group id → sorted member files (faces name their photo by its position in `images`).
    func groups(_ report: [String: Any]) -> [Int: [String]] {
        let images = report["images"] as? [String] ?? []
        var out: [Int: [String]] = [:]
        for group in report["groups"] as? [[String: Any]] ?? [] {
            let faces = (group["faces"] as? [[String: Any]] ?? []).compactMap { face in
                (face["image"] as? Int).flatMap { images.indices.contains($0) ? images[$0] : nil }
            }
            out[group["id"] as? Int ?? -1] = faces.sorted()
        }
        return out
    }

    @Test("a second run reuses every face from the cache and keeps the group ids; a new photo is the only work")
    func incremental() throws {
        let library = FileManager.default.temporaryDirectory.appendingPathComponent(
            "likeness-library-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: library) }
        let people = ["Paul_Wolfowitz": 4, "Jennifer_Lopez": 4, "Ricardo_Lagos": 3]
        for (person, count) in people {
            let source = Fixtures.lfwImages.appendingPathComponent(person)
            let files = try FileManager.default.contentsOfDirectory(atPath: source.path).sorted()
            try FileManager.default.createDirectory(
                at: library.appendingPathComponent(person), withIntermediateDirectories: true)
            for file in files.prefix(count) {
                try FileManager.default.copyItem(
                    at: source.appendingPathComponent(file), to: library.appendingPathComponent("\(person)/\(file)"))
            }
        }
        let json = library.appendingPathComponent("out.json").path
        let arguments = ["cluster", library.path, "--one-face-per-photo", "--select", "centered", "--json", json]
        try run(arguments)
        let first = try readJSON(json)
        let firstSummary = try #require(first["summary"] as? [String: Any])
        #expect(firstSummary["analysed"] as? Int == 11 && firstSummary["from_cache"] as? Int == 0)
        let firstGroups = groups(first)
        #expect(firstGroups.count == 3, "\(firstGroups)")
        let cache = library.appendingPathComponent(".likeness-cluster-cache.json").path
        #expect(try FileManager.default.attributesOfItem(atPath: cache)[.posixPermissions] as? Int == 0o600)

        try run(arguments)
        let second = try readJSON(json)
        let secondSummary = try #require(second["summary"] as? [String: Any])
        #expect(secondSummary["analysed"] as? Int == 0, "no inference for unchanged files")
        #expect(secondSummary["from_cache"] as? Int == 11)
        #expect(groups(second) == firstGroups)

        // A new photo of Lagos: only it is analysed; the other groups keep ids and members.
        let source = Fixtures.lfwImages.appendingPathComponent("Ricardo_Lagos")
        let extra = try #require(try FileManager.default.contentsOfDirectory(atPath: source.path).sorted().last)
        try FileManager.default.copyItem(
            at: source.appendingPathComponent(extra), to: library.appendingPathComponent("Ricardo_Lagos/\(extra)"))
        try run(arguments)
        let third = try readJSON(json)
        let thirdSummary = try #require(third["summary"] as? [String: Any])
        #expect(thirdSummary["analysed"] as? Int == 1 && thirdSummary["from_cache"] as? Int == 11)
        let thirdGroups = groups(third)
        for (id, members) in firstGroups where members.first?.hasPrefix("Ricardo_Lagos") == false {
            #expect(thirdGroups[id] == members, "group \(id) kept its id and members")
        }
        let lagos = try #require(firstGroups.first { $0.value[0].hasPrefix("Ricardo_Lagos") }?.key)
        #expect(thirdGroups[lagos]?.count == 4, "the grown group kept its id")
    }

    @Test("a missing folder is file_not_found; unreadable and HEIC files are counted, not fatal")
    func badInput() throws {
        let missing = try cli.likeness(arguments: ["cluster", "/nonexistent/likeness-photos"])
        #expect(missing.status == 2 && missing.stderr.hasPrefix("error: file_not_found:"), "\(missing)")
        let library = FileManager.default.temporaryDirectory.appendingPathComponent("likeness-bad-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: library) }
        try FileManager.default.createDirectory(at: library, withIntermediateDirectories: true)
        try Data("not a photo".utf8).write(to: library.appendingPathComponent("broken.jpg"))
        try Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00]).write(to: library.appendingPathComponent("truncated.jpg"))
        try Data("ftypheic".utf8).write(to: library.appendingPathComponent("phone.heic"))
        let json = library.appendingPathComponent("out.json").path
        try run(["cluster", library.path, "--no-cache", "--json", json])
        let summary = try #require(try readJSON(json)["summary"] as? [String: Any])
        let failed = try #require(summary["failed"] as? [String: Int])
        #expect(failed.values.reduce(0, +) == 3, "\(failed)")
        #expect(failed["unsupported_format"] ?? 0 >= 1)
    }

    @Test("LFW: pairwise precision ≥ 0.99 at recall ≥ 0.9 on the people with two or more photos")
    func lfwAccuracy() throws {
        let json = FileManager.default.temporaryDirectory.appendingPathComponent(
            "likeness-lfw-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: json) }
        try run([
            "cluster", Fixtures.lfwImages.path, "--one-face-per-photo", "--select", "centered", "--no-cache",
            "--truth-from-folders", "--json", json.path,
        ])
        let report = try readJSON(json.path)
        let evaluation = try #require((report["evaluation"] as? [[String: Any]])?.first)
        let repeated = try #require(evaluation["people_with_two_or_more"] as? [String: Double])
        #expect(try #require(repeated["pairwise_precision"]) >= 0.99)
        #expect(try #require(repeated["pairwise_recall"]) >= 0.9)
        let summary = try #require(report["summary"] as? [String: Any])
        #expect(summary["faces_found"] as? Int == 4_992)
    }
}
