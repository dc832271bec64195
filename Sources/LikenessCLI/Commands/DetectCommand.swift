import ArgumentParser
import FaceKit
import Foundation
import Workflows

struct DetectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect", abstract: "Find every face in an image: boxes, scores and five keypoints.",
        discussion: """
            --json prints the document POST /v1/detect answers (with --landmarks: landmarks=true).

            Examples:
              likeness detect models/samples/players.jpg
              likeness detect photo.jpg --annotate out/annotated.png --landmarks
              likeness detect photo.jpg --json
              likeness detect photo.jpg --landmarks --profile enrollment --json
            """)

    @Argument(help: "The image (JPEG, PNG, WebP, BMP or TIFF).")
    var image: String

    @Flag(help: "Print JSON.")
    var json = false

    @Option(help: "Write a PNG with the boxes and keypoints drawn on it.")
    var annotate: String?

    @Flag(
        help:
            "Also locate 106 landmarks, pose and quality (the first 10 faces), as POST /v1/detect does by default."
    )
    var landmarks = false

    @Option(help: "The quality profile --landmarks assesses the faces under, as POST /v1/detect's profile.")
    var profile = QualityProfile.selfie.name

    @OptionGroup var quality: QualityOptions

    @OptionGroup var pipeline: PipelineOptions

    func run() async throws {
        let faces = FaceWorkflows(analyzer: try pipeline.makeAnalyzer())
        let picture = try await pipeline.load(image, with: faces.analyzer)
        let (found, answer) = try await faces.detectFaces(
            picture, options: pipeline.detection, details: landmarks, profile: try quality.profile(named: profile))
        if let annotate {
            let bytes = try picture.annotated(with: found).encoded(as: .png)
            try PrivateFile.write(Data(bytes), to: annotate)
        }
        if json {
            try printJSON(answer)
            return
        }
        print("\(image): \(picture.width)x\(picture.height), \(found.count) face\(found.count == 1 ? "" : "s")")
        for (index, (face, document)) in zip(found, answer.faces).enumerated() {
            print(
                String(
                    format: "  #%d box %@ %.0fx%.0f score %.3f eyes %.0f px apart", index + 1, face.box.summary,
                    face.box.width, face.box.height, face.score, face.interEyeDistance))
            if let pose = document.pose, let eyes = document.eyeOpenness, let mouth = document.mouthOpenness {
                print(
                    String(
                        format: "     yaw %+.1f° pitch %+.1f° roll %+.1f°, eyes open %.2f / %.2f, mouth open %.2f",
                        pose.yaw, pose.pitch, pose.roll, eyes[0], eyes[1], mouth))
            }
        }
        if let annotate { print("annotated image written to \(annotate)") }
    }
}
