import ArgumentParser
import FaceKit
import Foundation
import Workflows

struct FindCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "find",
        abstract: "Find the person of one image among all the faces of another (a group photo).",
        discussion: "Exit status: 0 when at least one face matches, 1 when none does, 2 on error.")

    @Argument(help: "An image of the person to look for (its chosen face is the probe).")
    var probe: String

    @Argument(help: "The image to search.")
    var photo: String

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var decision: DecisionOptions

    @OptionGroup var pipeline: PipelineOptions

    struct Candidate: Encodable {
        var face: FaceDocument
        var similarity: Double
        var match: Bool
    }

    struct Report: Encodable {
        var threshold: Double
        var fmr: Double?
        var probe: FaceDocument
        var candidates: [Candidate]
    }

    func run() async throws {
        let analyzer = try pipeline.makeAnalyzer()
        async let probeImage = pipeline.load(probe, with: analyzer)
        async let photoImage = pipeline.load(photo, with: analyzer)
        let (probeImage_, photoImage_) = try await (probeImage, photoImage)
        let reference = try await analyzer.analyze(
            probeImage_, detection: pipeline.detection, selection: pipeline.select, embedding: pipeline.embedding)
        let faces = try await analyzer.detect(in: photoImage_, options: pipeline.detection)
        guard !faces.isEmpty else { throw FaceKitError(.noFace, "no face was found in \(photo)") }
        let embeddings = try await analyzer.embed(faces, in: photoImage_, options: pipeline.embedding)
        let operatingPoint = try OperatingPoint(
            pack: analyzer.pack, threshold: decision.threshold, fmr: decision.fmr, defaultFMR: OperatingPoint.verifyFMR)
        let limit = operatingPoint.threshold
        let candidates = zip(faces, embeddings).map { face, embedding in
            let similarity = reference.embedding.similarity(to: embedding)
            return Candidate(
                face: FaceDocument(face), similarity: Rounding.score(similarity), match: similarity >= limit
            )
        }.sorted { $0.similarity > $1.similarity }
        if json {
            try printJSON(
                Report(
                    threshold: limit, fmr: operatingPoint.fmr, probe: FaceDocument(reference.face), candidates: candidates
                ))
        } else {
            let matches = candidates.filter(\.match)
            print(
                "\(faces.count) faces in \(photo); \(matches.count) match\(matches.count == 1 ? "" : "es") (threshold \(String(format: "%.4f", limit))\(operatingPoint.fmr.map { " at FMR \($0)" } ?? ""))"
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
