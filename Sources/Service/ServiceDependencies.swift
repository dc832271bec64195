import FaceKit
import Foundation
import Gallery

/// What the controllers share: the pipeline, the gallery, the settings and the metrics.
struct ServiceDependencies: Sendable {
    let analyzer: FaceAnalyzer
    let gallery: Gallery
    let configuration: ServiceConfiguration
    let metrics: ServiceMetrics

    var imageLimits: ImageLimits {
        ImageLimits(maxBytes: configuration.maxImageBytes, maxPixels: configuration.maxImagePixels)
    }

    /// Decodes image bytes, naming the field in any error and timing the decode.
    func decode(_ bytes: [UInt8], field: String) async throws -> Image {
        let start = ContinuousClock.now
        do {
            let image = try await analyzer.decode(bytes, limits: imageLimits)
            var timings = StageTimings()
            timings.decode = ContinuousClock.now - start
            metrics.inference(timings)
            return image
        } catch let error as FaceKitError {
            throw FaceKitError(error.code, "\(field): \(error.message)")
        }
    }

    /// Detects, picks the one face and embeds it, with quality judged by `profile`.
    func analyze(_ image: Image, field: String, profile: QualityProfile?) async throws -> FaceAnalysis {
        do {
            let analysis = try await analyzer.analyze(image, selection: .largest, quality: profile)
            metrics.inference(analysis.timings)
            return analysis
        } catch let error as FaceKitError {
            throw FaceKitError(error.code, "\(field): \(error.message)")
        }
    }

    /// The threshold for a requested false-match rate (or the default one).
    func decision(fmr: Double?, default fallback: Double) throws -> (threshold: Double, fmr: Double?) {
        let point = try analyzer.pack.decisionThreshold(threshold: nil, fmr: fmr ?? fallback)
        return (point.threshold, point.fmr)
    }

    /// Refuses a false-match rate the model pack has no calibrated threshold for
    /// (`uncalibrated_fmr`), so a request can fail before any inference is spent on it.
    func validate(fmr: Double) throws {
        _ = try decision(fmr: fmr, default: fmr)
    }
}
