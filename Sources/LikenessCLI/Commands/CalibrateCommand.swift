import ArgumentParser
import FaceKit
import Foundation
import Workflows

struct CalibrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Calibrate decision thresholds to false-match rates on a labelled image set.",
        discussion: """
            Every image named in the CSV is embedded; every pair of them is scored, same-folder pairs \
            as genuine and the rest as impostors (the LFW layout: one folder per person). For each FMR \
            the threshold, its 95 % bootstrap interval and the FNMR are written as a calibration file, \
            which ships in the model pack directory as calibration.json.

            Examples:
              likeness calibrate --pairs pairs.csv --root lfw/
              likeness calibrate --pairs pairs.csv --root lfw/ --output calibration.json --dataset lfw
            """)

    @Option(help: "CSV of pairs (file_x,file_y,Decision); its images are the calibration set.")
    var pairs: String

    @Option(help: "Directory the CSV's paths are relative to.")
    var root: String

    @Option(help: "Write the calibration JSON here (default: print it).")
    var output: String?

    @Option(help: "Bootstrap replicates for the confidence intervals.")
    var replicates: Int = 1000

    @Option(help: "A description of the data, stored in the file.")
    var dataset: String?

    @OptionGroup var pipeline: PipelineOptions

    func validate() throws {
        guard (100...100_000).contains(replicates) else {
            throw ValidationError("--replicates must be in 100...100000")
        }
    }

    func run() async throws {
        let list = try PairList(csvPath: pairs)
        let analyzer = try pipeline.makeAnalyzer()
        let images = list.images
        let batch = await TemplateBatch.embed(
            images, root: root, pipeline: pipeline, analyzer: analyzer, label: "calibrate")
        let scores = batch.allPairScores()
        guard !scores.impostor.isEmpty, !scores.genuine.isEmpty else {
            throw CLIError(code: .tooFewPairs, message: "the set needs genuine and impostor pairs")
        }
        let description =
            dataset
            ?? "all pairs of the \(batch.templates.count) images of \((pairs as NSString).lastPathComponent) (select=\(pipeline.select.rawValue), detector=\(pipeline.detectorSize))"
        let calibration = ThresholdCalibration.calibrate(
            scores: scores, replicates: replicates, modelPack: analyzer.pack.id, dataset: description)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(calibration)
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: data + Data("\n".utf8)) else {
                throw CLIError(code: .fileUnwritable, message: "cannot write \(output)")
            }
        } else {
            print(String(decoding: data, as: UTF8.self))
        }
        let log = output == nil ? FileHandle.standardError : FileHandle.standardOutput
        var lines = [
            "\(batch.templates.count) images (\(batch.noFace.count) without a face, \(batch.failed.count) failed): "
                + "\(scores.genuine.count) genuine and \(scores.impostor.count) impostor pairs",
            "  FMR      threshold  95% interval        FNMR",
        ]
        for point in calibration.points {
            lines.append(
                String(
                    format: "  %@  %.4f     [%.4f, %.4f]    %.4f",
                    "\(point.fmr)".padding(toLength: 7, withPad: " ", startingAt: 0), point.threshold,
                    point.thresholdLow,
                    point.thresholdHigh, point.fnmr))
        }
        if let output { lines.append("written to \(output)") }
        log.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}
