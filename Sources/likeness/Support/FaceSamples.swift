import FaceKit
import Foundation
import Gallery

/// Turns image files into enrolment samples: one face each, judged by a quality profile.
struct FaceSamples {
    let analyzer: FaceAnalyzer
    let pipeline: PipelineOptions
    /// nil skips the quality check.
    let profile: QualityProfile?

    enum Outcome: Sendable {
        case accepted(EnrollmentSample)
        /// Readable, one face, but below the profile; the reasons say why.
        case lowQuality([String])
        case failed(String, String)
    }

    /// Analyses one file; every failure becomes an outcome, never a thrown error.
    func sample(_ path: String) async -> Outcome {
        do {
            let image = try await pipeline.load(path, with: analyzer)
            let analysis = try await analyzer.analyze(
                image, detection: pipeline.detection, selection: pipeline.select, embedding: pipeline.embedding,
                quality: profile)
            if let quality = analysis.quality, !quality.passed { return .lowQuality(quality.reasons) }
            return .accepted(
                EnrollmentSample(vector: analysis.embedding.vector, quality: analysis.quality?.unifiedScore))
        } catch let error as FaceKitError {
            return .failed(error.code.rawValue, error.message)
        } catch let error as CLIError {
            return .failed(error.code, error.message)
        } catch {
            return .failed("internal_error", "\(error)")
        }
    }

    /// The built-in consent text the CLI records when `--consent` is given without `--consent-text`.
    static let defaultConsentText = """
        I agree that my face may be processed to create a biometric template used to verify my \
        identity, stored encrypted, and erased when I withdraw this consent or ask for erasure.
        """
}
