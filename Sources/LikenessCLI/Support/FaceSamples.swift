import FaceKit
import Foundation
import Gallery
import Workflows

/// Turns image files into enrolment samples through the enrolment workflow, one outcome per file,
/// so a folder run can count what it could not use instead of stopping.
package struct FaceSamples {
    package init(faces: FaceWorkflows, pipeline: PipelineOptions, profile: QualityProfile?) {
        self.faces = faces
        self.pipeline = pipeline
        self.profile = profile
    }

    package let faces: FaceWorkflows
    package let pipeline: PipelineOptions
    /// nil skips the quality check.
    package let profile: QualityProfile?

    package enum Outcome: Sendable {
        case accepted(EnrollmentSample)
        /// Readable, one face, but below the profile; the reasons say why.
        case lowQuality([String])
        case failed(ProblemCode, String)
    }

    /// Like `sample(_:)`; in mode `report` an image below the profile is accepted too, and the
    /// reasons it fell below come back beside it (empty when it passed).
    package func sample(_ path: String, mode: QualityMode) async -> (outcome: Outcome, belowProfile: [String]) {
        guard mode == .report else { return (await sample(path), []) }
        do {
            let image = try await pipeline.load(path, with: faces.analyzer)
            let assessed = try await faces.assess(
                NamedImage(name: path, image: image), profile: profile, settings: pipeline.settings)
            return (.accepted(assessed.sample), assessed.failure?.reasons ?? [])
        } catch {
            return (Self.outcome(of: error), [])
        }
    }

    /// Analyses one file; every failure becomes an outcome, never a thrown error.
    package func sample(_ path: String) async -> Outcome {
        do {
            let image = try await pipeline.load(path, with: faces.analyzer)
            return .accepted(
                try await faces.sample(
                    NamedImage(name: path, image: image), profile: profile, settings: pipeline.settings))
        } catch {
            return Self.outcome(of: error)
        }
    }

    private static func outcome(of error: any Error) -> Outcome {
        switch error {
        case let error as WorkflowError where error.code == .lowQuality: return .lowQuality(error.reasons)
        case let error as CLIError: return .failed(error.code, error.message)
        default:
            let (code, message) = WorkflowError.describe(error) ?? (.internalError, "\(error)")
            return .failed(code, message)
        }
    }
}
