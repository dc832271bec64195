import ArgumentParser
import FaceKit
import Foundation
import Workflows

struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure verification accuracy on labelled pairs (file_x,file_y,Decision CSV).",
        discussion: """
            A pair whose image has no usable face is scored -1 (a certain non-match), so a lost face \
            counts against accuracy instead of being dropped.

            Examples:
              likeness eval --pairs pairs.csv --root ../shared/data/lfw/images
              likeness eval --pairs pairs.csv --root lfw/ --report out/eval.html --json
            """)

    @Option(help: "CSV of labelled pairs.")
    var pairs: String

    @Option(help: "Directory the CSV's paths are relative to.")
    var root: String

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(
        help:
            "Also score every pair of the images (identity = the image's folder) and measure the model pack's calibrated operating points on them."
    )
    var allPairs = false

    @Option(help: "Write a self-contained HTML report (curves, histograms, failures to enrol, worst pairs).")
    var report: String?

    @Option(help: "Quality profile for the report's failures to enrol.")
    var profile: String = "enrollment"

    @OptionGroup var qualityOptions: QualityOptions

    @OptionGroup var pipeline: PipelineOptions

    struct Report: Encodable {
        var pairs: Int
        var samePairs: Int
        var images: Int
        var noFaceImages: [String]
        var failedImages: [String: String]
        var bestAccuracy: Double
        var bestThreshold: Double
        var tenFoldAccuracy: Double
        var tenFoldStd: Double
        var tarAtFmr: [String: Double]
        var thresholdAtFmr: [String: Double]
        var seconds: Double
        var configuration: [String: String]
        /// Pairs the best threshold gets wrong, for inspection.
        var misclassified: [Misclassified]
        /// The calibrated operating points measured on all pairs (with --all-pairs).
        var calibrationCheck: [ThresholdCalibration.HeldOutResult]?
        /// The calibrated operating points measured on the listed pairs.
        var calibrationCheckListed: [ThresholdCalibration.HeldOutResult]?

        enum CodingKeys: String, CodingKey {
            case pairs, images, seconds, configuration, misclassified
            case samePairs = "same_pairs"
            case noFaceImages = "no_face_images"
            case failedImages = "failed_images"
            case bestAccuracy = "best_accuracy"
            case bestThreshold = "best_threshold"
            case tenFoldAccuracy = "ten_fold_accuracy"
            case tenFoldStd = "ten_fold_std"
            case calibrationCheck = "calibration_check"
            case calibrationCheckListed = "calibration_check_listed"
            case tarAtFmr = "tar_at_fmr"
            case thresholdAtFmr = "threshold_at_fmr"
        }
    }

    struct Misclassified: Encodable {
        var first: String
        var second: String
        var same: Bool
        var similarity: Double
    }

    func run() async throws {
        let list = try PairList(csvPath: pairs)
        let analyzer = try pipeline.makeAnalyzer()
        let start = ContinuousClock.now
        let images = list.images
        let reportProfile = report == nil ? nil : try qualityOptions.profile(named: profile)
        let batch = await TemplateBatch.embed(
            images, root: root, pipeline: pipeline, analyzer: analyzer, label: "eval", quality: reportProfile)
        let embeddings = batch.templates
        let noFace = batch.noFace
        let failed = batch.failed
        let scored = list.entries.map { entry -> PairEvaluation.Pair in
            guard let a = embeddings[entry.first], let b = embeddings[entry.second] else {
                return PairEvaluation.Pair(similarity: -1, isSamePerson: entry.isSamePerson)
            }
            return PairEvaluation.Pair(similarity: a.similarity(to: b), isSamePerson: entry.isSamePerson)
        }
        let evaluation = PairEvaluation(pairs: scored)
        let best = evaluation.bestAccuracy()
        let folds = evaluation.crossValidatedAccuracy(folds: 10)
        var tar: [String: Double] = [:]
        var thresholds: [String: Double] = [:]
        for fmr in [1e-2, 1e-3] {
            if let point = evaluation.operatingPoint(fmr: fmr) {
                tar[fmr.formatted()] = point.tar
                thresholds[fmr.formatted()] = point.threshold
            }
        }
        let listed = ScoreSet(
            genuine: scored.filter(\.isSamePerson).map { Float($0.similarity) },
            impostor: scored.filter { !$0.isSamePerson }.map { Float($0.similarity) })
        let listedCheck = analyzer.pack.calibration?.check(on: listed)
        var check: [ThresholdCalibration.HeldOutResult]?
        let allPairScores = allPairs ? batch.allPairScores() : nil
        if let allPairScores {
            guard let calibration = analyzer.pack.calibration else {
                throw CLIError(
                    code: "no_calibration", message: "model pack \(analyzer.pack.id) has no calibration.json")
            }
            check = calibration.check(on: allPairScores)
        }
        let elapsed = ContinuousClock.now - start
        let report = Report(
            pairs: scored.count, samePairs: scored.filter(\.isSamePerson).count, images: images.count,
            noFaceImages: noFace.sorted(), failedImages: failed, bestAccuracy: best.accuracy,
            bestThreshold: best.threshold, tenFoldAccuracy: folds.mean, tenFoldStd: folds.standardDeviation,
            tarAtFmr: tar, thresholdAtFmr: thresholds, seconds: elapsed.seconds,
            configuration: pipeline.summary(workers: analyzer.workerCount),
            misclassified: zip(list.entries, scored).filter { ($1.similarity >= best.threshold) != $1.isSamePerson }.map
            {
                Misclassified(first: $0.first, second: $0.second, same: $0.isSamePerson, similarity: $1.similarity)
            }, calibrationCheck: check, calibrationCheckListed: listedCheck)
        if let path = self.report, let reportProfile {
            let html = EvalReport(
                title: "Likeness evaluation: \((pairs as NSString).lastPathComponent)",
                settings: report.configuration.merging(["model_pack": analyzer.pack.id]) { a, _ in a },
                scores: allPairScores ?? listed,
                scoreSource: allPairScores == nil
                    ? "the \(scored.count) listed pairs"
                    : "all \(allPairScores!.genuine.count + allPairScores!.impostor.count) pairs of the embedded images (identity = folder)",
                summary: [
                    ("pairs", "\(report.pairs) (\(report.samePairs) same)"),
                    (
                        "accuracy at best threshold",
                        String(format: "%.2f%% (threshold %.4f)", best.accuracy * 100, best.threshold)
                    ),
                    (
                        "10-fold accuracy",
                        String(format: "%.2f%% ± %.2f%%", folds.mean * 100, folds.standardDeviation * 100)
                    ),
                    ("images with no face", "\(noFace.count) of \(images.count)"),
                ],
                calibration: analyzer.pack.calibration,
                failuresToEnrol: failuresToEnrol(batch),
                imageCount: images.count, qualityProfile: reportProfile.name,
                falseMatches: try await examples(
                    zip(list.entries, scored).filter { !$0.0.isSamePerson }.sorted {
                        $0.1.similarity > $1.1.similarity
                    },
                    batch: batch, analyzer: analyzer),
                falseNonMatches: try await examples(
                    zip(list.entries, scored).filter { $0.0.isSamePerson }.sorted { $0.1.similarity < $1.1.similarity },
                    batch: batch, analyzer: analyzer)
            ).html
            try PrivateFile.write(Data(html.utf8), to: path)
        }
        if json {
            try printJSON(report)
            return
        }
        print(
            "pairs: \(report.pairs) (\(report.samePairs) same, \(report.pairs - report.samePairs) different), images: \(report.images)"
        )
        print(
            String(format: "accuracy at best threshold: %.2f%% (threshold %.4f)", best.accuracy * 100, best.threshold))
        print(String(format: "10-fold accuracy: %.2f%% ± %.2f%%", folds.mean * 100, folds.standardDeviation * 100))
        for fmr in [1e-2, 1e-3] {
            if let value = tar[fmr.formatted()] {
                print(
                    String(
                        format: "TAR at FMR %@: %.2f%% (threshold %.4f)", fmr.formatted(), value * 100,
                        thresholds[fmr.formatted()]!))
            } else {
                print(
                    "TAR at FMR \(fmr.formatted()): not measurable (fewer than \(Int(1 / fmr)) different-person pairs)")
            }
        }
        print(
            "images with no face: \(noFace.count)\(noFace.isEmpty ? "" : " (" + noFace.prefix(5).joined(separator: ", ") + (noFace.count > 5 ? ", …" : "") + ")")"
        )
        if !failed.isEmpty { print("images that failed: \(failed.count)") }
        for (title, rows) in [("the listed pairs", listedCheck), ("all pairs of these images", check)] {
            guard let rows else { continue }
            print("calibrated operating points on \(title):")
            print("  nominal FMR  threshold  impostor pairs  false matches  measured FMR  FNMR")
            for row in rows {
                print(
                    String(
                        format: "  %@  %9.4f  %14d  %13d  %12.2e  %.4f",
                        "\(row.nominalFMR)".padding(toLength: 11, withPad: " ", startingAt: 0), row.threshold,
                        row.impostorPairs, row.falseMatches, row.measuredFMR, row.fnmr))
            }
        }
        let settings = report.configuration.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(
            separator: " ")
        print(String(format: "time: %.1f s (%@)", elapsed.seconds, settings))
        if let path = self.report { print("report written to \(path)") }
    }

    /// Images that fail the report's quality profile, by reason (an image may have several),
    /// plus those with no face at all.
    private func failuresToEnrol(_ batch: TemplateBatch) -> [String: Int] {
        var counts: [String: Int] = [:]
        for analysis in batch.analyses.values {
            for reason in analysis.quality?.reasons ?? [] { counts[reason, default: 0] += 1 }
        }
        if !batch.noFace.isEmpty { counts["no_face"] = batch.noFace.count }
        if !batch.failed.isEmpty { counts["unreadable"] = batch.failed.count }
        return counts
    }

    /// The first six pairs with thumbnails of each face, aligned as the embedder saw it.
    private func examples(
        _ pairs: [(PairList.Entry, PairEvaluation.Pair)], batch: TemplateBatch, analyzer: FaceAnalyzer
    ) async throws -> [EvalReport.PairExample] {
        var examples: [EvalReport.PairExample] = []
        for (entry, pair) in pairs.prefix(6) {
            examples.append(
                EvalReport.PairExample(
                    first: entry.first, second: entry.second, similarity: pair.similarity,
                    firstThumbnail: try await thumbnail(entry.first, batch: batch, analyzer: analyzer),
                    secondThumbnail: try await thumbnail(entry.second, batch: batch, analyzer: analyzer)))
        }
        return examples
    }

    private func thumbnail(_ path: String, batch: TemplateBatch, analyzer: FaceAnalyzer) async throws -> String? {
        guard let face = batch.analyses[path]?.face else { return nil }
        let image = try await pipeline.load((root as NSString).appendingPathComponent(path), with: analyzer)
        let crop = try image.warped(by: ArcFaceTemplate.alignment(for: face), width: 112, height: 112)
        return Data(try crop.encoded(as: .jpeg, quality: 85)).base64EncodedString()
    }
}

extension PipelineOptions {
    package func summary(workers: Int) -> [String: String] {
        [
            "detector_size": detectorSize, "score_threshold": String(scoreThreshold), "select": select.rawValue,
            "mirror": String(mirror), "workers": String(workers), "threads": String(threads),
        ]
    }
}
