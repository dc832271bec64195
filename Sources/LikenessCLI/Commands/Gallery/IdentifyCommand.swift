import ArgumentParser
import FaceKit
import Foundation
import Gallery
import Workflows

struct IdentifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "identify",
        abstract: "Identify every face of an image (a group photo) in the gallery (1:N per face).",
        discussion: """
            Each face, the largest first, is judged by the identification quality profile; a face \
            that passes is searched, one that does not is listed with its reasons (face_too_small, \
            blurred, …). Decisions hold a false-positive identification rate at the gallery's current \
            size, as for search. --json prints the document POST /v1/identify answers. Exit status: 0 \
            when at least one face is identified, 1 when none is, 2 on error.

            Examples:
              likeness identify group.jpg --data data
              likeness identify group.jpg --data data --fpir 1e-2 --max-faces 5 --json
            """)

    @Argument(help: "The image whose faces to identify.")
    var image: String

    @Option(help: "Candidates listed per face (1...100).")
    var k: Int = IdentifyOptions.defaultK

    @Option(help: "Faces searched, the largest first (1...100); the others are counted as ignored.")
    var maxFaces: Int = IdentifyOptions.defaultMaxFaces

    @Option(help: "Faces with a box narrower or shorter than this many pixels are listed, not searched.")
    var minFaceSize: Double = DetectionOptions.default.minFaceSize

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var decision: IdentificationOptions
    @OptionGroup var gallery: GalleryOptions
    @OptionGroup var pipeline: PipelineOptions

    var options: IdentifyOptions { IdentifyOptions(k: k, maxFaces: maxFaces, minFaceSize: minFaceSize) }

    func validate() throws {
        do {
            try options.validate()
        } catch let error as WorkflowError {
            throw ValidationError(
                error.message.replacingOccurrences(of: "max_faces", with: "--max-faces")
                    .replacingOccurrences(of: "min_face_size", with: "--min-face-size")
                    .replacingOccurrences(of: "k must", with: "--k must"))
        }
    }

    func run() async throws {
        let faces = FaceWorkflows(analyzer: try pipeline.makeAnalyzer())
        let people = GalleryWorkflows(faces: faces, gallery: try await gallery.open())
        let point = try await people.identificationPoint(try decision.request, tenant: gallery.tenant)
        let photo = try await pipeline.load(image, with: faces.analyzer)
        let answer = try await people.identify(
            photo, tenant: gallery.tenant, point: point, options: options, settings: pipeline.settings)
        if json {
            try printJSON(answer)
        } else {
            let known = answer.faces.filter { $0.decision == .match }.count
            print(
                "\(image): \(answer.faces.count) face\(answer.faces.count == 1 ? "" : "s")"
                    + (answer.facesIgnored > 0 ? " (and \(answer.facesIgnored) ignored)" : "")
                    + ", \(known) identified; \(Self.describe(point))")
            for (number, face) in answer.faces.enumerated() {
                let b = face.box
                let box = String(format: "[%.0f, %.0f, %.0f, %.0f]", b[0], b[1], b[2], b[3])
                if !face.searched {
                    print("  #\(number + 1) \(box) not searched: \(face.reasons.joined(separator: ", "))")
                } else if let subject = face.subject, let best = face.candidates.first {
                    print("  #\(number + 1) \(box) \(subject) (similarity \(String(format: "%.4f", best.similarity)))")
                } else {
                    let best = face.candidates.first.map {
                        " (closest \($0.subject) at \(String(format: "%.4f", $0.similarity)))"
                    }
                    print("  #\(number + 1) \(box) unknown\(best ?? "")")
                }
            }
        }
        if !answer.faces.contains(where: { $0.decision == .match }) { throw ExitCode(1) }
    }

    /// "threshold 0.3374: FPIR 0.001 over 100 subjects (FMR 1e-05 per comparison)".
    static func describe(_ point: IdentificationPoint) -> String {
        var text = "threshold \(String(format: "%.4f", point.threshold))"
        if let fpir = point.fpir { text += " at FPIR \(IdentificationPoint.format(fpir))" }
        text += " over \(point.gallery.subjects) subject\(point.gallery.subjects == 1 ? "" : "s")"
        if let fmr = point.fmr { text += " (FMR \(IdentificationPoint.format(fmr)) per comparison)" }
        return text
    }
}
