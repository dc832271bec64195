import Foundation
import Testing

extension CLITests {
    @Test("verify decides at a calibrated FMR: 1e-4 by default, --fmr to choose, unknown rates refused")
    func verifyFMR() throws {
        let a = "\(lfw)/Abdullah_Gul/Abdullah_Gul_0013.jpg"
        let b = "\(lfw)/Abdullah_Gul/Abdullah_Gul_0014.jpg"
        let standard = try likeness("verify", "--json", a, b)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(standard.stdout.utf8)) as? [String: Any])
        #expect(object["fmr"] as? Double == 1e-4)
        let strict = try likeness("verify", "--json", "--fmr", "1e-5", a, b)
        let strictObject = try #require(
            try JSONSerialization.jsonObject(with: Data(strict.stdout.utf8)) as? [String: Any])
        #expect(strictObject["fmr"] as? Double == 1e-5)
        let strictThreshold = try #require(strictObject["threshold"] as? Double)
        let standardThreshold = try #require(object["threshold"] as? Double)
        #expect(strictThreshold > standardThreshold)
        let unknown = try likeness("verify", "--fmr", "0.3", a, b)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("error: invalid_argument:"))
        let both = try likeness("verify", "--fmr", "1e-4", "--threshold", "0.3", a, b)
        #expect(both.status == 2)
    }
}
