import FaceKit
import Foundation

extension FaceWorkflows {
    /// One probe face (the settings' selection) against every face of `target`, most similar
    /// first, each with its decision at `point`. `no_face` names `targetName` when the target
    /// has none.
    public func compare(
        probe: Image, target: Image, point: OperatingPoint, settings: AnalysisSettings = .init(),
        probeName: String = "probe", targetName: String = "target"
    ) async throws -> CompareDocument {
        let reference = try await analyze(probe, field: probeName, settings: settings)
        let faces = try await analyzer.detect(in: target, options: settings.detection)
        guard !faces.isEmpty else { throw FaceKitError(.noFace, "no face was found in \(targetName)") }
        let embeddings = try await analyzer.embed(faces, in: target, options: settings.embedding)
        let candidates = zip(faces, embeddings).map { face, embedding in
            let similarity = reference.embedding.similarity(to: embedding)
            return CompareDocument.Candidate(
                face: FaceDocument(face), similarity: Rounding.score(similarity),
                match: Double(similarity) >= point.threshold)
        }.sorted { $0.similarity > $1.similarity }
        return CompareDocument(
            threshold: point.threshold, fmr: point.fmr, probe: FaceDocument(reference.face), candidates: candidates)
    }
}
