import Foundation
import Testing

extension CLITests {
    @Test("bench search reports latency, recall and bytes per template for a small synthetic gallery")
    func benchSearch() throws {
        let run = try likeness(
            "bench", "search", "--gallery", "3000", "--queries", "50", "--candidates", "16", "64", "--scan-threads",
            "1", "--ivf-probes", "8", "--json")
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["synthetic"] as? Int == 3000)
        #expect(object["distribution"] as? String == "uniform")
        let rows = try #require(object["rows"] as? [[String: Any]])
        #expect(rows.map { $0["method"] as? String } == ["scan PQ64x4+SQ8", "scan PQ64x4+SQ8", "FAISS IVF-SQ8"])
        for row in rows {
            let recall = try #require(row["recall_at_1"] as? Double)
            #expect(recall > 0.5 && recall <= 1)
            #expect(try #require(row["p50_ms"] as? Double) > 0)
        }
        #expect(try #require(rows[1]["recall_at_1"] as? Double) >= 0.95, "the scan index finds the mate")
        let bytes = try #require(object["scan_bytes_per_template"] as? Double)
        #expect(bytes > 512 && bytes < 1200)
        #expect(try #require(object["exact_p50_ms"] as? Double) > 0)
    }
}
