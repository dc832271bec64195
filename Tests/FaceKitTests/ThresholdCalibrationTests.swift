import Foundation
import TestSupport
import Testing

@testable import FaceKit

@Suite("Threshold calibration")
struct ThresholdCalibrationTests {
    /// 100,000 distinct impostor scores evenly spread over [0, 1): the k-th highest is known exactly.
    static let grid = (0..<100_000).map { Float($0) / 100_000 }

    @Test("thresholds on an even grid sit exactly above the allowed number of impostors")
    func gridThresholds() throws {
        let genuine: [Float] = (0..<1000).map { 0.9 + Float($0) / 10_000 }  // 0.9 ... 0.9999
        let calibration = ThresholdCalibration.calibrate(
            scores: ScoreSet(genuine: genuine, impostor: Self.grid), replicates: 200, modelPack: "test", dataset: "grid"
        )
        #expect(calibration.points.map(\.fmr) == [1e-2, 1e-3, 1e-4, 1e-5])  // 1e-6 needs a million impostors
        for point in calibration.points {
            let allowed = Int(point.fmr * 100_000)
            let above = Self.grid.filter { Double($0) >= point.threshold }.count
            #expect(above == allowed, "FMR \(point.fmr): \(above) impostors at or above the threshold")
            #expect(point.impostorsAbove == allowed)
            #expect(point.thresholdLow <= point.threshold && point.threshold <= point.thresholdHigh)
        }
        let onePercent = try calibration.point(fmr: 1e-2)
        #expect(onePercent.threshold > 0.98999 && onePercent.threshold <= 0.99)  // just above the 1,001st highest
        // Genuine scores start at 0.9: all accepted at 1e-2 (threshold 0.99 rejects those below it).
        #expect(abs(onePercent.fnmr - 0.9) < 1e-9)
        #expect(try calibration.point(fmr: 1e-5).fnmr == 1)
    }

    @Test("the bootstrap interval has the width order statistics predict")
    func bootstrapWidth() throws {
        let calibration = ThresholdCalibration.calibrate(
            scores: ScoreSet(genuine: [0.5], impostor: Self.grid), rates: [1e-2], replicates: 1000, modelPack: "t",
            dataset: "grid")
        let point = try calibration.point(fmr: 1e-2)
        // k = 1000 impostors above: sd of the count ≈ √(1000·0.99) ≈ 31.5, i.e. 3.15e-4 on this grid,
        // so the 95 % interval is about ±6.2e-4.
        let halfWidth = (point.thresholdHigh - point.thresholdLow) / 2
        #expect(halfWidth > 4.5e-4 && halfWidth < 8e-4, "half width \(halfWidth)")
    }

    @Test("the binomial sampler has the right mean and variance in both regimes")
    func binomial() {
        var random = SplitMix64(seed: 7)
        for (n, p) in [(1_000_000, 0.0001), (1_000_000, 0.01)] {
            let draws = (0..<4000).map { _ in Double(random.binomial(trials: n, probability: p)) }
            let mean = draws.reduce(0, +) / Double(draws.count)
            let variance = draws.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(draws.count - 1)
            let expected = Double(n) * p
            #expect(abs(mean - expected) < 0.05 * expected + 0.5, "n \(n) p \(p): mean \(mean)")
            #expect(abs(variance - expected * (1 - p)) < 0.15 * expected, "n \(n) p \(p): variance \(variance)")
        }
    }

    @Test("unknown operating points are refused; a held-out check counts false matches")
    func pointsAndCheck() throws {
        let calibration = ThresholdCalibration.calibrate(
            scores: ScoreSet(genuine: [0.95, 0.5], impostor: Self.grid), replicates: 100, modelPack: "t", dataset: "d")
        let error = #expect(throws: FaceKitError.self) { try calibration.point(fmr: 3e-4) }
        #expect(error?.code == .invalidArgument)
        let heldOut = ScoreSet(genuine: [0.999, 0.1], impostor: [0.995, 0.2, 0.3, 0.991])
        let rows = calibration.check(on: heldOut)
        let first = try #require(rows.first)
        #expect(first.nominalFMR == 1e-2)
        #expect(first.falseMatches == 2)  // 0.995 and 0.991 are above 0.99
        #expect(first.measuredFMR == 0.5)
        #expect(first.fnmr == 0.5)
    }

    @Test("all-pairs scoring splits genuine and impostor pairs by identity")
    func allPairs() throws {
        let a = try #require(FaceEmbedding(normalizing: [1, 0]))
        let b = try #require(FaceEmbedding(normalizing: [1, 1]))
        let c = try #require(FaceEmbedding(normalizing: [0, 1]))
        let scores = ScoreSet.allPairs(templates: [a, b, c], identities: ["x", "x", "y"])
        #expect(scores.genuine.count == 1)
        #expect(scores.impostor.count == 2)
        #expect(abs(scores.genuine[0] - 0.70710677) < 1e-6)
        #expect(scores.impostor.sorted() == [0, scores.impostor.max()!])
    }
}

@Suite("Shipped calibration", .enabled(if: Fixtures.needsModels, "models missing (developer machine): skipped"))
struct ShippedCalibrationTests {
    @Test("decisions default to FMR 1e-4 and accept every calibrated rate")
    func defaults() throws {
        try Fixtures.requireModels()
        let pack = try ModelPack.load(from: Fixtures.modelsDirectory)
        let calibration = try #require(pack.calibration)
        #expect(calibration.modelPack == pack.id)
        let standard = try pack.decisionThreshold()
        #expect(standard.fmr == 1e-4)
        #expect(standard.threshold == (try calibration.point(fmr: 1e-4)).threshold)
        let stricter = try pack.decisionThreshold(fmr: 1e-5)
        #expect(stricter.threshold > standard.threshold)
        let raw = try pack.decisionThreshold(threshold: 0.5, fmr: 1e-3)
        #expect(raw == DecisionThreshold(threshold: 0.5, fmr: nil))
        let thresholds = calibration.points.map(\.threshold)
        #expect(thresholds == thresholds.sorted(), "thresholds must rise as the FMR falls")
        #expect(throws: FaceKitError.self) { try pack.decisionThreshold(fmr: 0.5) }
    }

    @Test("a calibration made for another pack is refused")
    func wrongPack() throws {
        try Fixtures.requireModels()
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("likeness-cal-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Fixtures.modelsDirectory, to: copy)
        defer { try? FileManager.default.removeItem(at: copy) }
        let url = copy.appendingPathComponent("calibration.json")
        let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
            .replacingOccurrences(of: "insightface-scrfd500m-mbf-w600k-v1", with: "another-pack")
        try Data(text.utf8).write(to: url)
        let error = #expect(throws: FaceKitError.self) { try ModelPack.load(from: copy, verifyChecksums: false) }
        #expect(error?.code == .modelUnavailable)
    }
}
