import FaceKit
import Foundation
import Gallery

/// The workflows over enrolled people: enrol from images, 1:N search, sign-in against a subject.
public struct GalleryWorkflows: Sendable {
    public let faces: FaceWorkflows
    public let gallery: Gallery

    public init(faces: FaceWorkflows, gallery: Gallery) {
        self.faces = faces
        self.gallery = gallery
    }

    var pack: ModelPack { faces.analyzer.pack }

    /// 1:N: the subjects of `tenant` most like the image's face, best first, each with its
    /// decision at `point` (from `identificationPoint`, taken before the image is analysed so
    /// that a refused operating point costs no inference).
    public func search(
        _ image: Image, tenant: String, k: Int, point: IdentificationPoint, settings: AnalysisSettings = .init()
    ) async throws -> SearchDocument {
        guard (1...100).contains(k) else { throw WorkflowError(.validationFailed, "k must be in 1...100") }
        let probe = try await faces.analyze(image, field: "image", settings: settings)
        let candidates = try await gallery.search(
            tenant: tenant, pack: pack.id, vector: probe.embedding.vector, k: k, threshold: point.threshold)
        return SearchDocument(candidates: candidates, point: point, face: FaceDocument(probe.face))
    }

    /// Face sign-in: the image's face against every template of the claimed subject.
    public func verify(
        _ image: Image, tenant: String, subject: String, point: OperatingPoint, settings: AnalysisSettings = .init()
    ) async throws -> SubjectVerifyDocument {
        let probe = try await faces.analyze(image, field: "image", settings: settings)
        let result = try await gallery.verify(
            tenant: tenant, subject: subject, pack: pack.id, vector: probe.embedding.vector,
            threshold: point.threshold)
        return SubjectVerifyDocument(
            subject: subject, similarity: result.similarity, scores: result.scores, threshold: point.threshold,
            fmr: point.fmr, decision: Decision(result.match), face: FaceDocument(probe.face))
    }
}
