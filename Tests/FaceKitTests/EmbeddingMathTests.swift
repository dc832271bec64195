import Testing

@testable import FaceKit

@Suite("Cosine similarity")
struct EmbeddingMathTests {
    @Test("identical, orthogonal and opposite vectors")
    func knownAngles() throws {
        let a = try #require(FaceEmbedding(normalizing: [3, 4, 0]))
        let b = try #require(FaceEmbedding(normalizing: [0, 0, 7]))
        let c = try #require(FaceEmbedding(normalizing: [-3, -4, 0]))
        #expect(abs(a.similarity(to: a) - 1) < 1e-6)
        #expect(abs(a.similarity(to: b)) < 1e-6)
        #expect(abs(a.similarity(to: c) + 1) < 1e-6)
        #expect(a.vector == [0.6, 0.8, 0])
    }

    @Test(
        "the SIMD dot product equals the plain sum for every length, including tails",
        arguments: [1, 7, 8, 9, 512, 515])
    func simdMatchesNaive(length: Int) {
        let x = (0..<length).map { Float(($0 * 37) % 11) - 5 }
        let y = (0..<length).map { Float(($0 * 13) % 7) - 3 }
        let naive = zip(x, y).reduce(Float(0)) { $0 + $1.0 * $1.1 }
        #expect(FaceEmbedding.dot(x, y) == naive)
        let expected =
            Double(naive)
            / (Double(FaceEmbedding.dot(x, x)).squareRoot() * Double(FaceEmbedding.dot(y, y)).squareRoot())
        #expect(abs(FaceEmbedding.cosine(x, y) - expected) < 1e-6)
    }

    @Test("zero and non-finite vectors are rejected")
    func degenerate() {
        #expect(FaceEmbedding(normalizing: [0, 0, 0]) == nil)
        #expect(FaceEmbedding(normalizing: [.nan, 1]) == nil)
        #expect(FaceEmbedding.cosine([0, 0], [1, 1]) == 0)
    }
}
