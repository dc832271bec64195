import FaceKit
import Foundation
import Gallery

/// The operating point of a 1:N search for one gallery size: the threshold, the per-comparison
/// FMR, and the false-positive identification rate (FPIR) it holds under the independence model
/// (`IdentificationThreshold`).
public struct IdentificationPoint: Sendable, Equatable {
    public var threshold: Double
    /// Per comparison; nil for a raw threshold.
    public var fmr: Double?
    /// The FPIR the threshold holds at this gallery size; nil for a raw threshold.
    public var fpir: Double?
    public var gallery: GallerySize

    /// The FPIR a search holds when the caller names neither `fpir` nor `fmr`.
    public static let defaultFPIR = 1e-3

    public init(threshold: Double, fmr: Double?, fpir: Double?, gallery: GallerySize) {
        self.threshold = threshold
        self.fmr = fmr
        self.fpir = fpir
        self.gallery = gallery
    }

    /// How the caller chose the operating point.
    public enum Request: Sendable, Equatable {
        /// Hold this FPIR at the gallery's size; refused (`uncalibrated_fpir`) when the
        /// calibration cannot.
        case fpir(Double)
        /// A per-comparison FMR, one the pack is calibrated for (the FPIR is reported).
        case fmr(Double)
        /// A raw similarity (CLI only).
        case threshold(Double)
        /// `defaultFPIR` when the calibration can hold it at this size; else the nearest
        /// calibrated point the model uses (the answer's `fpir` says what it holds).
        case standard

        /// The request for optional `fpir` and `fmr` fields; both is `validation_failed`.
        public init(fpir: Double?, fmr: Double?, threshold: Double? = nil) throws {
            let given = [fpir != nil, fmr != nil, threshold != nil].filter { $0 }.count
            guard given <= 1 else {
                throw WorkflowError(.validationFailed, "give fpir, fmr or threshold, not more than one")
            }
            if let fpir {
                guard fpir > 0, fpir < 1 else { throw WorkflowError(.validationFailed, "fpir must be in (0, 1)") }
                self = .fpir(fpir)
            } else if let fmr {
                guard fmr > 0, fmr < 1 else { throw WorkflowError(.validationFailed, "fmr must be in (0, 1)") }
                self = .fmr(fmr)
            } else if let threshold {
                guard (-1...1).contains(threshold) else {
                    throw WorkflowError(.validationFailed, "threshold must be a cosine similarity in -1...1")
                }
                self = .threshold(threshold)
            } else {
                self = .standard
            }
        }

        /// Refuses what no gallery size could make valid (an uncalibrated `fmr`), before any inference.
        public func check(pack: ModelPack) throws {
            if case .fmr(let fmr) = self { _ = try OperatingPoint(pack: pack, fmr: fmr, defaultFMR: fmr) }
        }
    }

    /// The point for `request` over a gallery of `gallery`, from the pack's calibration.
    public init(_ request: Request, pack: ModelPack, gallery: GallerySize) throws {
        let n = max(gallery.templates, 1)
        switch request {
        case .threshold(let threshold):
            self.init(threshold: threshold, fmr: nil, fpir: nil, gallery: gallery)
        case .fmr(let fmr):
            let point = try OperatingPoint(pack: pack, fmr: fmr, defaultFMR: fmr)
            self.init(
                threshold: point.threshold, fmr: point.fmr,
                fpir: IdentificationThreshold.fpir(fmr: fmr, comparisons: n), gallery: gallery)
        case .fpir(let fpir):
            guard let calibration = pack.calibration,
                let model = calibration.identificationThreshold(fpir: fpir, comparisons: n)
            else { throw Self.uncalibrated(fpir: fpir, pack: pack, gallery: gallery) }
            self.init(threshold: model.threshold, fmr: model.fmr, fpir: fpir, gallery: gallery)
        case .standard:
            guard let calibration = pack.calibration, let range = calibration.modelRange else {
                let point = try OperatingPoint(pack: pack, defaultFMR: OperatingPoint.searchFMR)
                self.init(threshold: point.threshold, fmr: point.fmr, fpir: nil, gallery: gallery)
                return
            }
            if let model = calibration.identificationThreshold(fpir: Self.defaultFPIR, comparisons: n) {
                self.init(threshold: model.threshold, fmr: model.fmr, fpir: model.fpir, gallery: gallery)
                return
            }
            let needed = IdentificationThreshold.comparisonFMR(fpir: Self.defaultFPIR, comparisons: n)
            let fmr = min(max(needed, range.lowerBound), range.upperBound)
            self.init(
                threshold: calibration.interpolatedThreshold(fmr: fmr) ?? 1, fmr: fmr,
                fpir: IdentificationThreshold.fpir(fmr: fmr, comparisons: n), gallery: gallery)
        }
    }

    static func uncalibrated(fpir: Double, pack: ModelPack, gallery: GallerySize) -> WorkflowError {
        let n = max(gallery.templates, 1)
        let needed = IdentificationThreshold.comparisonFMR(fpir: fpir, comparisons: n)
        guard let calibration = pack.calibration, let range = calibration.modelRange,
            let fpirs = calibration.fpirRange(comparisons: n)
        else {
            return WorkflowError(.uncalibratedFPIR, "model pack \(pack.id) has no calibration to hold an FPIR with")
        }
        return WorkflowError(
            .uncalibratedFPIR,
            "fpir \(fpir) over this gallery (\(gallery.subjects) subjects, \(gallery.templates) templates) needs a "
                + "per-comparison FMR of \(Self.format(needed)); the calibration covers \(Self.format(range.lowerBound))"
                + " to \(Self.format(range.upperBound)), so this gallery can be searched at an fpir from "
                + "\(Self.format(fpirs.lowerBound)) to \(Self.format(fpirs.upperBound))")
    }

    /// A rate as messages print it: `1e-05`, `1.17e-03`.
    public static func format(_ value: Double) -> String {
        String(format: "%.2e", value).replacingOccurrences(of: ".00e", with: "e")
    }
}
