import Foundation
import TestSupport
import Testing

@Suite("likeness --version", .enabled(if: Fixtures.needsModels, "models missing (developer machine): skipped"))
struct VersionTests {
    @Test("prints `likeness <version>`, the version the OpenAPI document carries, and exits 0")
    func version() throws {
        let run = try LikenessBinary.run(["--version"])
        #expect(run.status == 0, "\(run)")
        let document = try Data(
            contentsOf: Fixtures.repositoryRoot.appendingPathComponent("Sources/Service/Resources/openapi.json"))
        let info = try #require(
            (try JSONSerialization.jsonObject(with: document) as? [String: Any])?["info"] as? [String: Any])
        let version = try #require(info["version"] as? String)
        #expect(run.stdout == "likeness \(version)\n")
        #expect(version.split(separator: ".").count == 3 && version.allSatisfy { $0.isNumber || $0 == "." })
    }
}
