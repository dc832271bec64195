import ArgumentParser
import FaceKit
import Foundation
import Gallery
import Workflows

struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search the gallery for the person in an image (1:N).",
        discussion: """
            The default operating point is FMR 1e-5 per comparison, not 1:1's 1e-4: a search compares \
            the probe with every template, so the chance that someone not enrolled matches somebody \
            (FPIR) is about N × FMR for N templates. --json prints the document POST /v1/search answers. Exit status: 0 when a subject matches at the \
            operating point, 1 when none does, 2 on error.
            """)

    @Argument(help: "The probe image.")
    var image: String

    @Option(help: "How many subjects to list.")
    var top: Int = 5

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var decision: DecisionOptions
    @OptionGroup var gallery: GalleryOptions
    @OptionGroup var pipeline: PipelineOptions

    func validate() throws {
        guard (1...100).contains(top) else { throw ValidationError("--top must be in 1...100") }
    }

    func run() async throws {
        let faces = FaceWorkflows(analyzer: try pipeline.makeAnalyzer())
        let image = try await pipeline.load(image, with: faces.analyzer)
        let point = try OperatingPoint(
            pack: faces.analyzer.pack, threshold: decision.threshold, fmr: decision.fmr,
            defaultFMR: OperatingPoint.searchFMR)
        let people = GalleryWorkflows(faces: faces, gallery: try await gallery.open())
        let answer = try await people.search(
            image, tenant: gallery.tenant, k: top, point: point, settings: pipeline.settings)
        if json {
            try printJSON(answer)
        } else {
            let matches = answer.candidates.filter(\.match).count
            print(
                "\(matches) matching subject\(matches == 1 ? "" : "s") (threshold \(String(format: "%.4f", point.threshold))\(point.fmr.map { " at FMR \($0)" } ?? ""))"
            )
            for candidate in answer.candidates {
                print(
                    String(
                        format: "  %@ %@ similarity %.4f", candidate.match ? "MATCH   " : "no match", candidate.subject,
                        candidate.similarity))
            }
        }
        if !answer.candidates.contains(where: \.match) { throw ExitCode(1) }
    }
}
