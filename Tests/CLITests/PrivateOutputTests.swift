import Foundation
import TestSupport
import Testing

/// Files holding faces (annotated photos, HTML reports with face crops) are written 0600,
/// whatever the caller's umask and whatever mode a file of the same name had.
@Suite(
    "CLI outputs holding faces are private",
    .enabled(if: Fixtures.needsModelsAndData, "models or ../shared/data missing (developer machine): skipped"))
struct PrivateOutputTests {
    func mode(_ url: URL) throws -> Int {
        try #require((try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? NSNumber)?.intValue)
    }

    @Test("detect --annotate replaces a world-readable file with a 0600 one, leaving no temporary file")
    func annotatedPhoto() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("likeness-private-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let png = directory.appendingPathComponent("annotated.png")
        // A file the caller's umask (here 022, or whatever it is) made readable by everyone.
        #expect(FileManager.default.createFile(atPath: png.path, contents: Data("old".utf8)))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: png.path)
        let run = try CLITests().likeness(
            "detect", "--annotate", png.path, "../shared/data/documents/specimen-passport-td3.jpg")
        #expect(run.status == 0, "\(run)")
        #expect(try mode(png) == 0o600)
        let written = try Fixtures.bytes(png)
        #expect(Array(written.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["annotated.png"])
    }

    @Test("cluster --report and --json are written 0600")
    func clusterReport() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("likeness-private-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let photos = directory.appendingPathComponent("photos")
        try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
        for name in ["Abdullah_Gul_0013.jpg", "Abdullah_Gul_0014.jpg"] {
            try FileManager.default.copyItem(
                at: Fixtures.lfwImages.appendingPathComponent("Abdullah_Gul/\(name)"),
                to: photos.appendingPathComponent(name))
        }
        let report = directory.appendingPathComponent("report.html")
        let json = directory.appendingPathComponent("groups.json")
        let run = try CLITests().likeness(
            "cluster", photos.path, "--report", report.path, "--json", json.path)
        #expect(run.status == 0, "\(run)")
        #expect(try mode(report) == 0o600)
        #expect(try mode(json) == 0o600)
    }
}
