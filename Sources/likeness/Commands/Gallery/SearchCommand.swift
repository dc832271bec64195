import ArgumentParser
import FaceKit
import Foundation
import Gallery

struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search the gallery for the person in an image (1:N).",
        discussion: """
            The default operating point is FMR 1e-5 per comparison, not 1:1's 1e-4: a search compares \
            the probe with every template, so the chance that someone not enrolled matches somebody \
            (FPIR) is about N × FMR for N templates. Exit status: 0 when a subject matches at the \
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

    struct Report: Encodable {
        var threshold: Double
        var fmr: Double?
        var candidates: [Candidate]
    }

    func run() async throws {
        let analyzer = try pipeline.makeAnalyzer()
        let probe = try await analyzer.analyze(
            try await pipeline.load(image, with: analyzer), detection: pipeline.detection, selection: pipeline.select,
            embedding: pipeline.embedding)
        let point = try analyzer.pack.decisionThreshold(
            threshold: decision.threshold,
            fmr: decision.threshold == nil ? decision.fmr ?? Gallery.defaultSearchFMR : nil)
        let store = try await gallery.open()
        let candidates = try await store.search(
            tenant: gallery.tenant, pack: analyzer.pack.id, vector: probe.embedding.vector, k: top,
            threshold: point.threshold)
        if json {
            try printJSON(Report(threshold: point.threshold, fmr: point.fmr, candidates: candidates))
        } else {
            let matches = candidates.filter(\.match).count
            print(
                "\(matches) matching subject\(matches == 1 ? "" : "s") (threshold \(String(format: "%.4f", point.threshold))\(point.fmr.map { " at FMR \($0)" } ?? ""))"
            )
            for candidate in candidates {
                print(
                    String(
                        format: "  %@ %@ similarity %.4f", candidate.match ? "MATCH   " : "no match", candidate.subject,
                        candidate.similarity))
            }
        }
        if !candidates.contains(where: \.match) { throw ExitCode(1) }
    }
}
