import ArgumentParser
import FaceKit
import Foundation

struct EmbedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed", abstract: "Print the face template (L2-normalised) of an image's chosen face.")

    @Argument(help: "The image.")
    var image: String

    @Flag(help: "Print JSON (the only format; accepted for clarity in scripts).")
    var json = false

    @Flag(help: "Embed every face, not only the chosen one.")
    var all = false

    @OptionGroup var pipeline: PipelineOptions

    struct Entry: Encodable {
        var face: FaceReport
        var embedding: [Float]
    }

    struct Report: Encodable {
        var image: String
        var modelPack: String
        var dimension: Int
        var faces: [Entry]

        enum CodingKeys: String, CodingKey {
            case image, dimension, faces
            case modelPack = "model_pack"
        }
    }

    func run() async throws {
        let analyzer = try pipeline.makeAnalyzer()
        let picture = try await pipeline.load(image, with: analyzer)
        let entries: [Entry]
        if all {
            let faces = try await analyzer.detect(in: picture, options: pipeline.detection)
            guard !faces.isEmpty else { throw FaceKitError(.noFace, "no face was found") }
            let vectors = try await analyzer.embed(faces, in: picture, options: pipeline.embedding)
            entries = zip(faces, vectors).map { Entry(face: FaceReport($0), embedding: $1.vector) }
        } else {
            let analysis = try await analyzer.analyze(
                picture, detection: pipeline.detection, selection: pipeline.select, embedding: pipeline.embedding)
            entries = [Entry(face: FaceReport(analysis.face), embedding: analysis.embedding.vector)]
        }
        try printJSON(
            Report(image: image, modelPack: analyzer.pack.id, dimension: analyzer.pack.embedder.dimension, faces: entries))
    }
}
