import FaceKit
import Foundation
import Gallery
import Workflows

/// What the controllers share: the workflows, the gallery, the settings and the metrics.
struct ServiceDependencies: Sendable {
    let analyzer: FaceAnalyzer
    let gallery: Gallery
    let configuration: ServiceConfiguration
    let metrics: ServiceMetrics
    let faces: FaceWorkflows
    let people: GalleryWorkflows

    init(analyzer: FaceAnalyzer, gallery: Gallery, configuration: ServiceConfiguration, metrics: ServiceMetrics) {
        self.analyzer = analyzer
        self.gallery = gallery
        self.configuration = configuration
        self.metrics = metrics
        faces = FaceWorkflows(analyzer: analyzer, observe: { metrics.inference($0) })
        people = GalleryWorkflows(faces: faces, gallery: gallery)
    }

    var imageLimits: ImageLimits {
        ImageLimits(maxBytes: configuration.maxImageBytes, maxPixels: configuration.maxImagePixels)
    }

    /// Decodes image bytes, naming the field in any error and timing the decode.
    func decode(_ bytes: [UInt8], field: String) async throws -> Image {
        try await faces.decode(bytes, field: field, limits: imageLimits)
    }

    /// The operating point for a requested false-match rate (or the default one).
    func operatingPoint(fmr: Double?, default fallback: Double) throws -> OperatingPoint {
        try OperatingPoint(pack: analyzer.pack, fmr: fmr, defaultFMR: fallback)
    }

    /// Refuses a false-match rate the model pack has no calibrated threshold for
    /// (`uncalibrated_fmr`), so a request can fail before any inference is spent on it.
    func validate(fmr: Double) throws {
        _ = try operatingPoint(fmr: fmr, default: fmr)
    }
}
