import Foundation
import TestSupport
import Testing

@testable import VectorIndex

@Suite("Scan index", .serialized)
struct ScanIndexTests {
    static let dimension = 512

    func trained(_ gallery: [Float], count: Int) throws -> ScanIndex {
        let index = try ScanIndex(dimension: Self.dimension)
        try index.train(gallery)
        try index.add(gallery, ids: (0..<count).map { Int64($0) * 10 })
        return index
    }

    @Test("finds each query's mate at rank 1 in a gallery of 20,000, with scores close to exact")
    func recall() throws {
        let count = 20_000
        let gallery = TestVectors.rows(count, seed: 1)
        let index = try trained(gallery, count: count)
        #expect(index.count == count)
        let rows = Array(stride(from: 7, to: count, by: 97))
        let queries = IndexTests.queries(from: gallery, rows: rows, seed: 99)
        var found = 0
        for (q, row) in rows.enumerated() {
            let query = Array(queries[(q * Self.dimension)..<((q + 1) * Self.dimension)])
            let hits = try index.search(query, k: 5, candidates: 64)
            #expect(hits.count == 5)
            #expect(zip(hits, hits.dropFirst()).allSatisfy { $0.similarity >= $1.similarity })
            if hits.first?.id == Int64(row) * 10 {
                found += 1
                let mate = Array(gallery[(row * Self.dimension)..<((row + 1) * Self.dimension)])
                let exact = zip(query, mate).reduce(Float(0)) { $0 + $1.0 * $1.1 }
                #expect(abs(hits[0].similarity - exact) < 0.01, "8-bit re-scoring stays close to the exact cosine")
            }
        }
        #expect(Double(found) / Double(rows.count) >= 0.99)
        #expect(Double(index.memoryBytes) / Double(count) < 700)
    }

    @Test("the AVX2 kernel and the portable kernel return the same results")
    func kernelsAgree() throws {
        let count = 3_000
        let gallery = TestVectors.rows(count, seed: 5)
        let index = try trained(gallery, count: count)
        let queries = IndexTests.queries(from: gallery, rows: Array(0..<20), seed: 7)
        func run() throws -> [[SearchHit]] {
            try (0..<20).map { q in
                try index.search(
                    Array(queries[(q * Self.dimension)..<((q + 1) * Self.dimension)]), k: 10, candidates: 40)
            }
        }
        let fast = try run()
        ScanIndex.forcePortableKernel(true)
        defer { ScanIndex.forcePortableKernel(false) }
        let portable = try run()
        #expect(fast.map { $0.map(\.id) } == portable.map { $0.map(\.id) })
        for (a, b) in zip(fast.joined(), portable.joined()) {
            #expect(abs(a.similarity - b.similarity) < 1e-5, "the vector re-scoring sums in another order")
        }
    }

    @Test("a search split over two threads finds the same best hit and re-scores a superset")
    func threadsAgree() throws {
        // 141,000 templates (two threads start above about 131,000): 3,000 random vectors and
        // their cyclic coordinate shifts, which are as unrelated to each other as new draws.
        let base = TestVectors.rows(3_000, seed: 21)
        var gallery: [Float] = []
        gallery.reserveCapacity(141_000 * Self.dimension)
        for shift in 0..<47 {
            for row in 0..<3_000 {
                let vector = base[(row * Self.dimension)..<((row + 1) * Self.dimension)]
                gallery.append(contentsOf: vector.dropFirst(shift * 7))
                gallery.append(contentsOf: vector.prefix(shift * 7))
            }
        }
        let index = try ScanIndex(dimension: Self.dimension)
        try index.train(Array(gallery.prefix(20_000 * Self.dimension)))
        try index.add(gallery, ids: (0..<141_000).map(Int64.init))
        let queries = IndexTests.queries(from: gallery, rows: Array(stride(from: 5, to: 141_000, by: 7_001)), seed: 3)
        for q in 0..<(queries.count / Self.dimension) {
            let query = Array(queries[(q * Self.dimension)..<((q + 1) * Self.dimension)])
            let one = try index.search(query, k: 10, candidates: 32, threads: 1)
            let two = try index.search(query, k: 10, candidates: 32, threads: 2)
            #expect(two.first?.id == one.first?.id)
            #expect(zip(two, one).allSatisfy { $0.similarity >= $1.similarity - 1e-6 })
        }
    }

    @Test("removal takes templates out (first, middle, last), and ids can return")
    func removal() throws {
        let count = 1_000
        let gallery = TestVectors.rows(count, seed: 11)
        let index = try trained(gallery, count: count)
        func query(_ row: Int) -> [Float] { Array(gallery[(row * Self.dimension)..<((row + 1) * Self.dimension)]) }
        #expect(try index.search(query(999), k: 1).first?.id == 9_990)
        #expect(index.remove(ids: [0, 5_000, 9_990, 123_456]) == 3)
        #expect(index.count == 997)
        for row in [0, 500, 999] {
            #expect(try !index.search(query(row), k: 10).contains { $0.id == Int64(row) * 10 })
        }
        #expect(try index.search(query(998), k: 1).first?.id == 9_980, "the template moved into a hole is still found")
        try index.add(query(500), ids: [5_000])
        #expect(try index.search(query(500), k: 1).first?.id == 5_000)
        #expect(throws: IndexError.self) { try index.add(query(1), ids: [10]) }
    }

    @Test("bad use gets clear errors")
    func errors() throws {
        #expect(throws: IndexError.self) { try ScanIndex(dimension: 512, subquantizers: 7) }
        let index = try ScanIndex(dimension: 512)
        #expect(!index.isTrained)
        #expect(throws: IndexError.self) { try index.add(TestVectors.rows(1, seed: 1), ids: [1]) }
        #expect(throws: IndexError.self) { try index.train(TestVectors.rows(100, seed: 1)) }
        #expect(throws: IndexError.self) { try index.search(TestVectors.rows(1, seed: 1), k: 1) }
    }
}
