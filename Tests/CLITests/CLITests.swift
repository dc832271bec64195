import Foundation
import TestSupport
import Testing

/// The `likeness` executable as users run it: output, exit statuses and error codes.
@Suite(
    "likeness command line",
    .enabled(if: Fixtures.needsModelsAndData, "models or ../shared/data missing (developer machine): skipped"))
struct CLITests {
    typealias Run = LikenessBinary.Run

    static let binary = LikenessBinary.url

    func likeness(_ arguments: String...) throws -> Run { try likeness(arguments: arguments) }

    func likeness(arguments: [String]) throws -> Run { try LikenessBinary.run(arguments) }

    var lfw: String { Fixtures.lfwImages.path }

    @Test("verify: exit 0 on a match, 1 on a non-match, with a one-line verdict")
    func verifyStatuses() throws {
        let same = try likeness(
            "verify", "\(lfw)/Abdullah_Gul/Abdullah_Gul_0013.jpg", "\(lfw)/Abdullah_Gul/Abdullah_Gul_0014.jpg")
        #expect(same.status == 0, "\(same)")
        #expect(same.stdout.hasPrefix("MATCH: similarity"))
        let different = try likeness(
            "verify", "\(lfw)/Abdullah_Gul/Abdullah_Gul_0013.jpg", "\(lfw)/Aaron_Peirsol/Aaron_Peirsol_0001.jpg")
        #expect(different.status == 1, "\(different)")
        #expect(different.stdout.hasPrefix("NO MATCH: similarity"))
    }

    @Test("verify --json reports similarity, threshold, decision and both faces")
    func verifyJSON() throws {
        let run = try likeness(
            "verify", "--json", "--threshold", "0.5", "\(lfw)/Abdullah_Gul/Abdullah_Gul_0013.jpg",
            "\(lfw)/Abdullah_Gul/Abdullah_Gul_0014.jpg")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["threshold"] as? Double == 0.5)
        #expect(["match", "no_match"].contains(object["decision"] as? String))
        #expect((object["faces"] as? [Any])?.count == 2)
        let similarity = try #require(object["similarity"] as? Double)
        #expect((object["decision"] as? String == "match") == (similarity >= 0.5))
    }

    @Test(
        "errors exit 2 with the stable code on stderr",
        arguments: [
            ("missing", "file_not_found"), ("text", "unsupported_format"), ("empty", "image_unreadable"),
            ("noface", "no_face"),
        ])
    func errorStatuses(kind: String, code: String) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("likeness-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("input").path
        switch kind {
        case "text": try Data("hello, world\n".utf8).write(to: URL(fileURLWithPath: path))
        case "empty": try Data().write(to: URL(fileURLWithPath: path))
        default: break
        }
        let image = kind == "noface" ? "\(Fixtures.repositoryRoot.path)/Tests/FaceKitTests/Fixtures/cmyk.jpg" : path
        let run = try likeness("verify", image, "\(lfw)/Abdullah_Gul/Abdullah_Gul_0013.jpg")
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr.contains("error: \(code):"), "\(run.stderr)")
        #expect(run.stdout.isEmpty)
    }

    @Test("a bad option is a usage error with status 2")
    func usageError() throws {
        let run = try likeness("verify", "--threshold", "7", "a.jpg", "b.jpg")
        #expect(run.status == 2)
        #expect(run.stderr.contains("--threshold"))
    }

    @Test("detect --json lists faces; --annotate writes a PNG")
    func detect() throws {
        let png = FileManager.default.temporaryDirectory.appendingPathComponent("likeness-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: png) }
        let run = try likeness(
            "detect", "--json", "--annotate", png.path, "../shared/data/documents/specimen-passport-td3.jpg")
        #expect(run.status == 0, "\(run)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let faces = try #require(object["faces"] as? [[String: Any]])
        #expect(faces.count >= 1)
        #expect((faces.first?["keypoints"] as? [[Double]])?.count == 5)
        let written = try Fixtures.bytes(png)
        #expect(Array(written.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
    }

    @Test("--runtime openvino without its library is model_unavailable; auto falls back to OpenCV")
    func runtimeChoice() throws {
        let photo = "\(lfw)/Abdullah_Gul/Abdullah_Gul_0013.jpg"
        var environment = ProcessInfo.processInfo.environment
        environment["LIKENESS_OPENVINO"] = "/nonexistent/libopenvino_c.so"
        let refused = try LikenessBinary.run(
            ["detect", "--json", "--runtime", "openvino", photo], environment: environment)
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.stderr.contains("model_unavailable") && refused.stderr.contains("/nonexistent"), "\(refused)")
        let fallback = try LikenessBinary.run(["detect", "--json", photo], environment: environment)
        #expect(fallback.status == 0, "\(fallback)")
        let installed = try likeness("detect", "--json", "--runtime", "openvino", photo)
        #expect(installed.status == 0, "\(installed)")
        let bad = try likeness("detect", "--runtime", "tensorflow", photo)
        #expect(bad.status != 0 && bad.stderr.contains("runtime"), "\(bad)")
    }

    @Test("embed prints one JSON line per image with a unit 512-D vector, and an error line for a bad image")
    func embed() throws {
        let run = try likeness("embed", "--json", "\(lfw)/Abdullah_Gul/Abdullah_Gul_0013.jpg", "/nonexistent.jpg")
        #expect(run.status == 2)
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        let faces = try #require(first["faces"] as? [[String: Any]])
        let vector = try #require(faces.first?["embedding"] as? [Double])
        #expect(vector.count == 512)
        #expect(abs(vector.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4)
        let second = try #require(try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        #expect((second["error"] as? [String: Any])?["code"] as? String == "file_not_found")
    }

    @Test("eval on a small pair list reports accuracy and the pair count")
    func eval() throws {
        let csv = FileManager.default.temporaryDirectory.appendingPathComponent("likeness-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: csv) }
        try Data(
            """
            file_x,file_y,Decision
            Abdullah_Gul/Abdullah_Gul_0013.jpg,Abdullah_Gul/Abdullah_Gul_0014.jpg,Yes
            Aaron_Peirsol/Aaron_Peirsol_0001.jpg,Aaron_Peirsol/Aaron_Peirsol_0002.jpg,Yes
            Abdullah_Gul/Abdullah_Gul_0013.jpg,Aaron_Peirsol/Aaron_Peirsol_0001.jpg,No
            Abdullah_Gul/Abdullah_Gul_0014.jpg,Aaron_Peirsol/Aaron_Peirsol_0002.jpg,No

            """.utf8
        ).write(to: csv)
        let run = try likeness("eval", "--pairs", csv.path, "--root", lfw, "--json", "--select", "centered")
        #expect(run.status == 0, "\(run)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["pairs"] as? Int == 4)
        #expect(object["best_accuracy"] as? Double == 1)
        #expect((object["no_face_images"] as? [Any])?.isEmpty == true)
    }

    @Test("eval rejects a malformed CSV with a clear error")
    func evalBadCSV() throws {
        let csv = FileManager.default.temporaryDirectory.appendingPathComponent("likeness-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: csv) }
        try Data("file_x,file_y,Decision\na.jpg,b.jpg,Maybe\n".utf8).write(to: csv)
        let run = try likeness("eval", "--pairs", csv.path, "--root", lfw)
        #expect(run.status == 2)
        #expect(run.stderr.contains("error: invalid_csv:"))
    }
}
