import ArgumentParser
import FaceKit
import Foundation
import Workflows

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Decide whether two images show the same person.",
        discussion: """
            --json prints the document POST /v1/verify answers. Exit status: 0 match, 1 no match, \
            2 error (the error's code is printed on stderr).

            Examples:
              likeness verify selfie.jpg other.jpg
              likeness verify --document id-card.jpg selfie.jpg --fmr 1e-5
              likeness verify first.jpg second.jpg --json
            """)

    @Argument(help: "The first image (with --document: a photographed ID page or card).")
    var first: String

    @Argument(help: "The second image.")
    var second: String

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var decision: DecisionOptions

    @Flag(help: "Fail with multiple_faces when an image holds more than one large face.")
    var strict = false

    @Flag(help: "The first image is an ID document: use its holder's portrait and the document quality profile.")
    var document = false

    @Option(help: "Quality profile for a selfie / live image.")
    var selfieProfile: String = "selfie"

    @Option(help: "Quality profile for the document portrait (with --document).")
    var documentProfile: String = "document"

    @Flag(help: "Skip quality assessment.")
    var noQuality = false

    @OptionGroup var qualityOptions: QualityOptions
    @OptionGroup var pipeline: PipelineOptions

    func run() async throws {
        let faces = FaceWorkflows(analyzer: try pipeline.makeAnalyzer())
        async let a = pipeline.load(first, with: faces.analyzer)
        async let b = pipeline.load(second, with: faces.analyzer)
        let options = VerificationOptions(
            threshold: decision.threshold, fmr: decision.fmr, selection: pipeline.select, strict: strict,
            detection: pipeline.detection,
            embedding: pipeline.embedding, firstIsDocument: document,
            selfieProfile: noQuality ? nil : try qualityOptions.profile(named: selfieProfile),
            documentProfile: try qualityOptions.profile(named: documentProfile))
        let answer = try await faces.verify(try await a, try await b, options: options)
        if json {
            try printJSON(answer)
        } else {
            print(
                String(
                    format: "%@: similarity %.4f (threshold %.4f%@); faces %@ and %@",
                    answer.decision.isMatch ? "MATCH" : "NO MATCH", answer.similarity, answer.threshold,
                    answer.fmr.map { " at FMR \($0)" } ?? "", boxSummary(answer.faces[0].box),
                    boxSummary(answer.faces[1].box)))
            if !answer.reasons.isEmpty {
                print("quality problems: \(answer.reasons.joined(separator: ", "))")
            }
        }
        if !answer.decision.isMatch { throw ExitCode(1) }
    }
}
