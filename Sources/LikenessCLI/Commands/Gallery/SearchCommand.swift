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
            The decision is made at a false-positive identification rate (FPIR), the chance that \
            someone who is not enrolled is matched to anybody, held at the gallery's current size: \
            the threshold grows with the gallery (docs/accuracy.md, "1:N at a known FPIR"). --fmr \
            decides at a per-comparison false-match rate instead. --json prints the document \
            POST /v1/search answers. Exit status: 0 when a subject matches, 1 when none does \
            (unknown), 2 on error.

            Examples:
              likeness search probe.jpg --data data
              likeness search probe.jpg --data data --fpir 1e-2 --top 3 --json
            """)

    @Argument(help: "The probe image.")
    var image: String

    @Option(help: "How many subjects to list.")
    var top: Int = IdentifyOptions.defaultK

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var decision: IdentificationOptions
    @OptionGroup var gallery: GalleryOptions
    @OptionGroup var pipeline: PipelineOptions

    func validate() throws {
        guard (1...100).contains(top) else { throw ValidationError("--top must be in 1...100") }
    }

    func run() async throws {
        let faces = FaceWorkflows(analyzer: try pipeline.makeAnalyzer())
        let people = GalleryWorkflows(faces: faces, gallery: try await gallery.open())
        let point = try await people.identificationPoint(try decision.request, tenant: gallery.tenant)
        let image = try await pipeline.load(image, with: faces.analyzer)
        let answer = try await people.search(
            image, tenant: gallery.tenant, k: top, point: point, settings: pipeline.settings)
        if json {
            try printJSON(answer)
        } else {
            print("\(answer.decision.rawValue.uppercased()): \(IdentifyCommand.describe(point))")
            for candidate in answer.candidates {
                print(
                    String(
                        format: "  %@ %@ similarity %.4f", candidate.match ? "MATCH   " : "no match", candidate.subject,
                        candidate.similarity))
            }
        }
        if answer.decision != .match { throw ExitCode(1) }
    }
}
