import ArgumentParser
import FaceKit
import Foundation

struct DetectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect", abstract: "Find every face in an image: boxes, scores and five keypoints.")

    @Argument(help: "The image (JPEG, PNG, WebP, BMP or TIFF).")
    var image: String

    @Flag(help: "Print JSON.")
    var json = false

    @Option(help: "Write a PNG with the boxes and keypoints drawn on it.")
    var annotate: String?

    @OptionGroup var pipeline: PipelineOptions

    struct Report: Encodable {
        var image: String
        var width: Int
        var height: Int
        var faces: [FaceReport]
    }

    func run() async throws {
        let analyzer = try pipeline.makeAnalyzer()
        let picture = try await pipeline.load(image, with: analyzer)
        let faces = try await analyzer.detect(in: picture, options: pipeline.detection)
        if let annotate {
            let bytes = try picture.annotated(with: faces).encoded(as: .png)
            guard FileManager.default.createFile(atPath: annotate, contents: Data(bytes)) else {
                throw CLIError(code: "file_unwritable", message: "cannot write \(annotate)")
            }
        }
        if json {
            try printJSON(
                Report(image: image, width: picture.width, height: picture.height, faces: faces.map(FaceReport.init)))
            return
        }
        print("\(image): \(picture.width)x\(picture.height), \(faces.count) face\(faces.count == 1 ? "" : "s")")
        for (index, face) in faces.enumerated() {
            print(
                String(
                    format: "  #%d box %@ %.0fx%.0f score %.3f eyes %.0f px apart", index + 1, face.box.summary,
                    face.box.width, face.box.height, face.score, face.interEyeDistance))
        }
        if let annotate { print("annotated image written to \(annotate)") }
    }
}
