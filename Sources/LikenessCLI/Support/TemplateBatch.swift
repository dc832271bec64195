import FaceKit
import Foundation

/// Embeds many image files in parallel with a progress bar, keeping each file's outcome.
package struct TemplateBatch {
    /// Each file's analysis (face, template, quality when asked), keyed by the path as given.
    package var analyses: [String: FaceAnalysis] = [:]
    /// Each file's template.
    package var templates: [String: FaceEmbedding] { analyses.mapValues(\.embedding) }
    /// Files where no face was found.
    package var noFace: [String] = []
    /// Files that failed otherwise, with the printed error.
    package var failed: [String: String] = [:]

    package static func embed(
        _ paths: [String], root: String, pipeline: PipelineOptions, analyzer: FaceAnalyzer, label: String,
        quality: QualityProfile? = nil
    ) async -> TemplateBatch {
        let progress = ProgressBar(total: paths.count, label: label)
        let outcomes: [Result<FaceAnalysis, Error>] = await concurrentMap(paths, limit: analyzer.workerCount * 2) {
            path in
            defer { progress.advance() }
            do {
                let image = try await pipeline.load((root as NSString).appendingPathComponent(path), with: analyzer)
                let analysis = try await analyzer.analyze(
                    image, detection: pipeline.detection, selection: pipeline.select, embedding: pipeline.embedding,
                    quality: quality)
                return .success(analysis)
            } catch {
                return .failure(error)
            }
        }
        progress.finish()
        var batch = TemplateBatch()
        for (path, outcome) in zip(paths, outcomes) {
            switch outcome {
            case .success(let analysis): batch.analyses[path] = analysis
            case .failure(let error as FaceKitError) where error.code == .noFace: batch.noFace.append(path)
            case .failure(let error): batch.failed[path] = CLIError.describe(error)
            }
        }
        batch.noFace.sort()
        return batch
    }

    /// Every pair of embedded images, labelled by the folder each image is in (the LFW layout).
    package func allPairScores() -> ScoreSet {
        let paths = analyses.keys.sorted()
        return ScoreSet.allPairs(
            templates: paths.map { analyses[$0]!.embedding },
            identities: paths.map { ($0 as NSString).deletingLastPathComponent })
    }
}
