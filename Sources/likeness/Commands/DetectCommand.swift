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

    @Flag(help: "Also locate 106 landmarks per face.")
    var landmarks = false

    @OptionGroup var pipeline: PipelineOptions

    struct Report: Encodable {
        var image: String
        var width: Int
        var height: Int
        var faces: [FaceReport]
        var landmarks: [LandmarkReport]?
    }

    struct LandmarkReport: Encodable {
        var points: [[Double]]
        var pose: HeadPose
        var eyeOpenness: [Double]
        var mouthOpenness: Double

        init(_ landmarks: FaceLandmarks) {
            points = landmarks.points.map { [rounded($0.x), rounded($0.y)] }
            let p = landmarks.pose
            pose = HeadPose(yaw: rounded(p.yaw), pitch: rounded(p.pitch), roll: rounded(p.roll))
            eyeOpenness = [landmarks.leftEyeOpenness, landmarks.rightEyeOpenness].map { ($0 * 1000).rounded() / 1000 }
            mouthOpenness = (landmarks.mouthOpenness * 1000).rounded() / 1000
        }

        enum CodingKeys: String, CodingKey {
            case points, pose
            case eyeOpenness = "eye_openness"
            case mouthOpenness = "mouth_openness"
        }
    }

    func run() async throws {
        let analyzer = try pipeline.makeAnalyzer()
        let picture = try await pipeline.load(image, with: analyzer)
        let faces = try await analyzer.detect(in: picture, options: pipeline.detection)
        let dense = landmarks ? try await analyzer.landmarks(for: faces, in: picture) : nil
        if let annotate {
            let bytes = try picture.annotated(with: faces).encoded(as: .png)
            guard FileManager.default.createFile(atPath: annotate, contents: Data(bytes)) else {
                throw CLIError(code: "file_unwritable", message: "cannot write \(annotate)")
            }
        }
        if json {
            try printJSON(
                Report(
                    image: image, width: picture.width, height: picture.height, faces: faces.map(FaceReport.init),
                    landmarks: dense?.map(LandmarkReport.init)))
            return
        }
        print("\(image): \(picture.width)x\(picture.height), \(faces.count) face\(faces.count == 1 ? "" : "s")")
        for (index, face) in faces.enumerated() {
            print(
                String(
                    format: "  #%d box %@ %.0fx%.0f score %.3f eyes %.0f px apart", index + 1, face.box.summary,
                    face.box.width, face.box.height, face.score, face.interEyeDistance))
            if let marks = dense?[index] {
                let pose = marks.pose
                print(
                    String(
                        format: "     yaw %+.1f° pitch %+.1f° roll %+.1f°, eyes open %.2f / %.2f, mouth open %.2f",
                        pose.yaw, pose.pitch, pose.roll, marks.leftEyeOpenness, marks.rightEyeOpenness,
                        marks.mouthOpenness))
            }
        }
        if let annotate { print("annotated image written to \(annotate)") }
    }
}
