import Foundation
import Testing

@testable import FaceKit

@Suite("FPIR model: the independence bound over the calibration")
struct IdentificationThresholdTests {
    /// The shipped calibration's points (thresholds rounded), 1e-6 resting on 5 impostors.
    static let calibration = ThresholdCalibration(
        modelPack: "test", dataset: "test", genuinePairs: 2209, impostorPairs: 5_923_194, bootstrapReplicates: 1000,
        points: [
            .init(fmr: 1e-2, threshold: 0.1661, thresholdLow: 0, thresholdHigh: 1, fnmr: 0, impostorsAbove: 59231),
            .init(fmr: 1e-3, threshold: 0.2276, thresholdLow: 0, thresholdHigh: 1, fnmr: 0, impostorsAbove: 5923),
            .init(fmr: 1e-4, threshold: 0.2830, thresholdLow: 0, thresholdHigh: 1, fnmr: 0, impostorsAbove: 592),
            .init(fmr: 1e-5, threshold: 0.3374, thresholdLow: 0, thresholdHigh: 1, fnmr: 0, impostorsAbove: 59),
            .init(fmr: 1e-6, threshold: 0.5918, thresholdLow: 0, thresholdHigh: 1, fnmr: 0, impostorsAbove: 5),
        ])

    @Test("FPIR and per-comparison FMR invert each other; one comparison is 1:1")
    func inversion() {
        for n in [1, 2, 100, 1165, 1_000_000] {
            for fpir in [1e-1, 1e-2, 1e-3, 1e-6] {
                let fmr = IdentificationThreshold.comparisonFMR(fpir: fpir, comparisons: n)
                #expect(abs(IdentificationThreshold.fpir(fmr: fmr, comparisons: n) - fpir) <= fpir * 1e-9)
                // Below the union bound FPIR / n, and close to it for small rates.
                #expect(fmr >= fpir / Double(n) * (1 - 1e-12))
                #expect(fmr <= fpir / Double(n) * 1.06)
            }
        }
        #expect(IdentificationThreshold.comparisonFMR(fpir: 0.01, comparisons: 1) == 0.01)
        #expect(IdentificationThreshold.comparisonFMR(fpir: 0.01, comparisons: 0) == 0.01)  // an empty gallery
        // 1 − (1 − 1e-3)^1165: a per-comparison 1e-3 over 1,165 templates misidentifies most strangers.
        #expect(abs(IdentificationThreshold.fpir(fmr: 1e-3, comparisons: 1165) - 0.688) < 0.001)
    }

    @Test("thresholds: calibrated at calibrated rates, log-linear between, none outside 1e-5...1e-2")
    func interpolation() throws {
        let c = Self.calibration
        #expect(c.modelRange == 1e-5...1e-2)  // the 5-impostor 1e-6 point is left out
        #expect(c.interpolatedThreshold(fmr: 1e-4) == 0.2830)
        let middle = try #require(c.interpolatedThreshold(fmr: pow(10, -3.5)))
        #expect(abs(middle - (0.2276 + 0.2830) / 2) < 1e-12)
        let quarter = try #require(c.interpolatedThreshold(fmr: pow(10, -4.25)))
        #expect(abs(quarter - (0.2830 + 0.25 * (0.3374 - 0.2830))) < 1e-12)
        #expect(c.interpolatedThreshold(fmr: 9e-6) == nil)
        #expect(c.interpolatedThreshold(fmr: 2e-2) == nil)
        // Monotone: a lower FMR never gets a lower threshold.
        let rates = stride(from: -2.0, through: -5.0, by: -0.05).map { pow(10, $0) }
        let thresholds = rates.compactMap { c.interpolatedThreshold(fmr: $0) }
        #expect(thresholds.count == rates.count)
        #expect(zip(thresholds, thresholds.dropFirst()).allSatisfy { $0 <= $1 })
    }

    @Test("leaving a calibrated point out, interpolation between its neighbours lands near it")
    func leaveOneOutError() throws {
        // The interpolation error the docs quote: 1e-3 from 1e-2 and 1e-4, 1e-4 from 1e-3 and 1e-5.
        var without = Self.calibration
        without.points.removeAll { $0.fmr == 1e-4 }
        let estimate = try #require(without.interpolatedThreshold(fmr: 1e-4))
        #expect(abs(estimate - 0.2830) < 0.001)
        without = Self.calibration
        without.points.removeAll { $0.fmr == 1e-3 }
        let other = try #require(without.interpolatedThreshold(fmr: 1e-3))
        #expect(abs(other - 0.2276) < 0.004)
    }

    @Test("the FPIR threshold grows with the gallery and is refused past the calibration")
    func galleryGrowth() throws {
        let c = Self.calibration
        let small = try #require(c.identificationThreshold(fpir: 1e-3, comparisons: 1))
        #expect(small.fmr == 1e-3 && small.threshold == 0.2276)
        let hundred = try #require(c.identificationThreshold(fpir: 1e-3, comparisons: 100))
        #expect(abs(hundred.fmr - 1.0e-5) < 1e-8)
        #expect(abs(hundred.threshold - 0.3374) < 0.0001)
        let ten = try #require(c.identificationThreshold(fpir: 1e-3, comparisons: 10))
        #expect(ten.threshold > small.threshold && ten.threshold < hundred.threshold)
        #expect(c.identificationThreshold(fpir: 1e-3, comparisons: 1000) == nil)  // needs 1e-6
        #expect(c.identificationThreshold(fpir: 0.5, comparisons: 1) == nil)  // needs 0.5
        #expect(c.identificationThreshold(fpir: 0, comparisons: 10) == nil)
        let range = try #require(c.fpirRange(comparisons: 1000))
        #expect(abs(range.lowerBound - 0.00995) < 0.0001)
        #expect(abs(range.upperBound - 1) < 1e-4)
    }

    @Test("an old calibration file without new fields still decodes")
    func oldFileDecodes() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("packs/insightface-mbf/calibration.json")
        let shipped = try JSONDecoder().decode(ThresholdCalibration.self, from: Data(contentsOf: url))
        #expect(shipped.modelRange?.lowerBound == 1e-5)
    }
}
