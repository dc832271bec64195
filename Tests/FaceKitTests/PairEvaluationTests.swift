import Testing

@testable import FaceKit

@Suite("Pair evaluation")
struct PairEvaluationTests {
    func pairs(genuine: [Double], impostor: [Double]) -> PairEvaluation {
        PairEvaluation(
            pairs: genuine.map { .init(similarity: $0, isSamePerson: true) }
                + impostor.map { .init(similarity: $0, isSamePerson: false) })
    }

    @Test("separable scores give 100% with a threshold between the classes")
    func separable() {
        let e = pairs(genuine: [0.6, 0.7, 0.8], impostor: [0.1, 0.2, 0.3])
        let best = e.bestAccuracy()
        #expect(best.accuracy == 1)
        #expect(best.threshold > 0.3 && best.threshold < 0.6)
    }

    @Test("overlapping scores: the best threshold makes exactly the unavoidable errors")
    func overlapping() {
        let e = pairs(genuine: [0.2, 0.6, 0.7, 0.8], impostor: [0.1, 0.3, 0.65, 0.05])
        // Best: threshold in (0.3, 0.6) errs on genuine 0.2 and impostor 0.65 → 6/8.
        #expect(e.bestAccuracy().accuracy == 0.75)
    }

    @Test("TAR at FMR counts genuine scores above the impostor quantile; nil when too few impostors")
    func tarAtFmr() throws {
        let impostor = (0..<100).map { Double($0) / 100 }  // 0.00 ... 0.99
        let genuine = [0.5, 0.985, 0.995, 1.0]
        let e = pairs(genuine: genuine, impostor: impostor)
        let point = try #require(e.operatingPoint(fmr: 0.01))
        // One impostor (0.99) may pass: threshold just above 0.98.
        #expect(point.threshold > 0.98 && point.threshold <= 0.99)
        #expect(point.tar == 0.75)
        #expect(e.operatingPoint(fmr: 0.001) == nil)
    }

    @Test("10-fold accuracy equals the best accuracy on perfectly separable data")
    func crossValidation() {
        let genuine = (0..<50).map { 0.6 + Double($0) / 200 }
        let impostor = (0..<50).map { Double($0) / 200 }
        let result = pairs(genuine: genuine, impostor: impostor).crossValidatedAccuracy(folds: 10)
        #expect(result.mean == 1)
        #expect(result.standardDeviation == 0)
    }
}
