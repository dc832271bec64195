import ArgumentParser
import FaceKit
import Foundation
import Workflows

struct FindCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "find",
        abstract: "Find the person of one image among all the faces of another (a group photo).",
        discussion: """
            --json prints the document POST /v1/compare answers (probe and target images). Exit \
            status: 0 when at least one face matches, 1 when none does, 2 on error.

            Examples:
              likeness find me.jpg group.jpg
              likeness find me.jpg group.jpg --fmr 1e-5 --json
            """)

    @Argument(help: "An image of the person to look for (its chosen face is the probe).")
    var probe: String

    @Argument(help: "The image to search.")
    var photo: String

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var decision: DecisionOptions

    @OptionGroup var pipeline: PipelineOptions

    func run() async throws {
        let analyzer = try pipeline.makeAnalyzer()
        let operatingPoint = try OperatingPoint(
            pack: analyzer.pack, threshold: decision.threshold, fmr: decision.fmr, defaultFMR: OperatingPoint.verifyFMR)
        async let probeImage = pipeline.load(probe, with: analyzer)
        async let photoImage = pipeline.load(photo, with: analyzer)
        let (probeImage_, photoImage_) = try await (probeImage, photoImage)
        let answer = try await FaceWorkflows(analyzer: analyzer).compare(
            probe: probeImage_, target: photoImage_, point: operatingPoint, settings: pipeline.settings,
            probeName: probe, targetName: photo)
        let candidates = answer.candidates
        let limit = answer.threshold
        if json {
            try printJSON(answer)
        } else {
            let matches = candidates.filter(\.match)
            print(
                "\(candidates.count) faces in \(photo); \(matches.count) match\(matches.count == 1 ? "" : "es") (threshold \(String(format: "%.4f", limit))\(operatingPoint.fmr.map { " at FMR \($0)" } ?? ""))"
            )
            for candidate in candidates.prefix(max(3, matches.count)) {
                let b = candidate.face.box
                print(
                    String(
                        format: "  %@ similarity %.4f box [%.0f, %.0f, %.0f, %.0f]",
                        candidate.match ? "MATCH   " : "no match",
                        candidate.similarity, b[0], b[1], b[2], b[3]))
            }
        }
        if !candidates.contains(where: \.match) { throw ExitCode(1) }
    }
}
