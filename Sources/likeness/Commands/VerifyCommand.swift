import ArgumentParser
import FaceKit
import Foundation

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Decide whether two images show the same person.",
        discussion: "Exit status: 0 match, 1 no match, 2 error (the error's code is printed on stderr).")

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

    struct Report: Encodable {
        var similarity: Double
        var threshold: Double
        var fmr: Double?
        var decision: String
        var faces: [FaceReport]
        var faceCounts: [Int]
        var quality: [QualityAssessment]?
        /// Every quality problem, as first:<code> or second:<code>.
        var reasons: [String]

        enum CodingKeys: String, CodingKey {
            case similarity, threshold, fmr, decision, faces, quality, reasons
            case faceCounts = "face_counts"
        }
    }

    func run() async throws {
        let analyzer = try pipeline.makeAnalyzer()
        async let a = pipeline.load(first, with: analyzer)
        async let b = pipeline.load(second, with: analyzer)
        let options = VerificationOptions(
            threshold: decision.threshold, fmr: decision.fmr, selection: pipeline.select, strict: strict,
            detection: pipeline.detection,
            embedding: pipeline.embedding, firstIsDocument: document,
            selfieProfile: noQuality ? nil : try qualityOptions.profile(named: selfieProfile),
            documentProfile: try qualityOptions.profile(named: documentProfile))
        let result = try await analyzer.verify(a, b, options: options)
        if json {
            try printJSON(
                Report(
                    similarity: (result.similarity * 10_000).rounded() / 10_000, threshold: result.threshold,
                    fmr: result.fmr,
                    decision: result.isMatch ? "match" : "no_match",
                    faces: [FaceReport(result.first.face), FaceReport(result.second.face)],
                    faceCounts: [result.first.faces.count, result.second.faces.count],
                    quality: noQuality ? nil : [result.first.quality, result.second.quality].compactMap { $0 },
                    reasons: result.qualityReasons))
        } else {
            let verdict = result.isMatch ? "MATCH" : "NO MATCH"
            print(
                String(
                    format: "%@: similarity %.4f (threshold %.4f%@); faces %@ and %@", verdict, result.similarity,
                    result.threshold, result.fmr.map { " at FMR \($0)" } ?? "", result.first.face.box.summary,
                    result.second.face.box.summary))
            if !result.qualityReasons.isEmpty {
                print("quality problems: \(result.qualityReasons.joined(separator: ", "))")
            }
        }
        if !result.isMatch { throw ExitCode(1) }
    }
}
