import Foundation
import Testing

extension CLITests {
    @Test("bench search reports latency, recall and bytes per template for a small synthetic gallery")
    func benchSearch() throws {
        let run = try likeness("bench", "search", "--gallery", "3000", "--queries", "50", "--json")
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["gallery"] as? Int == 3000)
        let recall = try #require(object["recall_at_1"] as? Double)
        #expect(recall > 0.5 && recall <= 1)
        let bytes = try #require(object["ann_bytes_per_template"] as? Double)
        #expect(bytes > 512 && bytes < 2048)
        #expect(try #require(object["exact_p50_ms"] as? Double) > 0)
    }
}
