import ArgumentParser
import FaceKit
import Foundation
import Workflows

struct EmbedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Print face templates (L2-normalised) as JSON, one line per image.",
        discussion: """
            Each image gives one JSON object on its own line (JSON Lines), so many images can be \
            embedded by one process. An image that fails gives {"image", "error": {"code", "message"}} \
            and the exit status is 2.

            Examples:
              likeness embed face.jpg
              likeness embed --all group.jpg > templates.jsonl
            """)

    @Argument(help: "One or more images.")
    var images: [String]

    @Flag(help: "Print JSON (the only format; accepted for clarity in scripts).")
    var json = false

    @Flag(help: "Embed every face, not only the chosen one.")
    var all = false

    @OptionGroup var pipeline: PipelineOptions

    struct Entry: Encodable {
        var face: FaceDocument
        var embedding: [Float]
    }

    struct Report: Encodable {
        var image: String
        var modelPack: String?
        var faces: [Entry]?
        var error: ErrorReport?

        enum CodingKeys: String, CodingKey {
            case image, faces, error
            case modelPack = "model_pack"
        }
    }

    struct ErrorReport: Encodable {
        var code: String
        var message: String
    }

    func run() async throws {
        let analyzer = try pipeline.makeAnalyzer()
        let pipeline = self.pipeline
        let all = self.all
        let reports: [Report] = await concurrentMap(images, limit: analyzer.workerCount * 2) { path in
            do {
                let picture = try await pipeline.load(path, with: analyzer)
                let entries: [Entry]
                if all {
                    let faces = try await analyzer.detect(in: picture, options: pipeline.detection)
                    guard !faces.isEmpty else { throw FaceKitError(.noFace, "no face was found") }
                    let vectors = try await analyzer.embed(faces, in: picture, options: pipeline.embedding)
                    entries = zip(faces, vectors).map { Entry(face: FaceDocument($0), embedding: $1.vector) }
                } else {
                    let analysis = try await analyzer.analyze(
                        picture, detection: pipeline.detection, selection: pipeline.select,
                        embedding: pipeline.embedding)
                    entries = [Entry(face: FaceDocument(analysis.face), embedding: analysis.embedding.vector)]
                }
                return Report(image: path, modelPack: analyzer.pack.id, faces: entries)
            } catch let error as FaceKitError {
                return Report(image: path, error: ErrorReport(code: error.code.rawValue, message: error.message))
            } catch let error as CLIError {
                return Report(image: path, error: ErrorReport(code: error.code.rawValue, message: error.message))
            } catch {
                return Report(image: path, error: ErrorReport(code: "internal_error", message: "\(error)"))
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for report in reports {
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        }
        if let failure = reports.first(where: { $0.error != nil }) {
            FileHandle.standardError.write(
                Data("error: \(failure.error!.code): \(failure.image): \(failure.error!.message)\n".utf8))
            throw ExitCode(2)
        }
    }
}
