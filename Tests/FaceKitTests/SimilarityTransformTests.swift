import Foundation
import Testing

@testable import FaceKit

@Suite("Umeyama similarity transform")
struct SimilarityTransformTests {
    @Test(
        "recovers a known scale, rotation and translation exactly",
        arguments: [(1.0, 0.0, 0.0, 0.0), (2.5, 0.3, 10.0, -4.0), (0.37, -2.9, -120.5, 77.25), (4.0, .pi, 3.0, 3.0)])
    func recoversKnownTransform(scale: Double, rotation: Double, tx: Double, ty: Double) throws {
        let truth = SimilarityTransform(scale: scale, rotation: rotation, tx: tx, ty: ty)
        let source = [
            Point(x: 30, y: 50), Point(x: 70, y: 48), Point(x: 52, y: 75), Point(x: 35, y: 95), Point(x: 68, y: 96),
        ]
        let destination = source.map(truth.apply)
        let estimate = try #require(SimilarityTransform.estimate(from: source, to: destination))
        #expect(abs(estimate.scale - scale) < 1e-9)
        #expect(abs(remainder(estimate.rotation - rotation, 2 * .pi)) < 1e-9)
        #expect(abs(estimate.tx - tx) < 1e-7)
        #expect(abs(estimate.ty - ty) < 1e-7)
    }

    @Test("matches Umeyama's SVD solution on noisy points (values from numpy's umeyama)")
    func leastSquaresOnNoisyPoints() throws {
        let source = [
            Point(x: 10, y: 10), Point(x: 40, y: 12), Point(x: 25, y: 30), Point(x: 12, y: 45), Point(x: 38, y: 44),
        ]
        let destination = [
            Point(x: 38.2946, y: 51.6963), Point(x: 73.5318, y: 51.5014), Point(x: 56.0252, y: 71.7366),
            Point(x: 41.5493, y: 92.3655), Point(x: 70.7299, y: 92.2041),
        ]
        let t = try #require(SimilarityTransform.estimate(from: source, to: destination))
        // Residual must not be improved by nudging any parameter: check the normal equations.
        func cost(_ m: SimilarityTransform) -> Double {
            zip(source, destination).reduce(0) { $0 + pow(m.apply($1.0).distance(to: $1.1), 2) }
        }
        let base = cost(t)
        for delta in [1e-4, -1e-4] {
            #expect(cost(SimilarityTransform(a: t.a + delta, b: t.b, tx: t.tx, ty: t.ty)) > base)
            #expect(cost(SimilarityTransform(a: t.a, b: t.b + delta, tx: t.tx, ty: t.ty)) > base)
            #expect(cost(SimilarityTransform(a: t.a, b: t.b, tx: t.tx + delta, ty: t.ty)) > base)
            #expect(cost(SimilarityTransform(a: t.a, b: t.b, tx: t.tx, ty: t.ty + delta)) > base)
        }
    }

    @Test("a mirrored point set yields a proper rotation, never a reflection")
    func reflectionIsNotReturned() throws {
        let source = [Point(x: 0, y: 0), Point(x: 10, y: 0), Point(x: 0, y: 5)]
        let mirrored = source.map { Point(x: -$0.x, y: $0.y) }
        let t = try #require(SimilarityTransform.estimate(from: source, to: mirrored))
        let m = t.matrix
        #expect(m[0] * m[4] - m[1] * m[3] >= 0)
    }

    @Test("degenerate input gives nil; the inverse undoes the transform")
    func degenerateAndInverse() throws {
        #expect(SimilarityTransform.estimate(from: [Point(x: 1, y: 1)], to: [Point(x: 2, y: 2)]) == nil)
        #expect(
            SimilarityTransform.estimate(
                from: [Point(x: 1, y: 1), Point(x: 1, y: 1)], to: [Point(x: 0, y: 0), Point(x: 3, y: 3)]) == nil)
        let t = SimilarityTransform(scale: 1.7, rotation: 0.4, tx: 5, ty: -9)
        let p = Point(x: 12.5, y: -3)
        let back = t.inverse.apply(t.apply(p))
        #expect(back.distance(to: p) < 1e-9)
    }
}
