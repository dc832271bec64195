import ArgumentParser
import FaceKit
import Foundation
import Workflows

struct TrackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "track",
        abstract: "Follow the face through a video: pose, eye and mouth openness per sampled frame.",
        discussion: """
            Examples:
              likeness track clip.webm
              likeness track clip.mp4 --rate 6 --json
            """)

    @Argument(help: "A video file (MP4/H.264, WebM, ...).")
    var video: String

    @Option(help: "Frames sampled per second.")
    var rate: Double = 12

    @Flag(help: "Print JSON Lines, one object per sampled frame.")
    var json = false

    @OptionGroup var pipeline: PipelineOptions

    func validate() throws {
        guard rate > 0 && rate <= 120 else { throw ValidationError("--rate must be in (0, 120]") }
    }

    struct Frame: Encodable {
        var ms: Double
        var faces: Int
        var pose: HeadPose?
        var eyeOpenness: [Double]?
        var mouthOpenness: Double?

        enum CodingKeys: String, CodingKey {
            case ms, faces, pose
            case eyeOpenness = "eye_openness"
            case mouthOpenness = "mouth_openness"
        }
    }

    func run() async throws {
        guard FileManager.default.fileExists(atPath: video) else {
            throw CLIError(code: .fileNotFound, message: "\(video) does not exist")
        }
        let analyzer = try pipeline.makeAnalyzer()
        let reader = try VideoReader(path: video)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var nextSample = 0.0
        var decoded = 0
        while let (frame, ms) = try reader.next() {
            decoded += 1
            guard ms + 0.5 >= nextSample else { continue }
            nextSample += 1000 / rate
            let faces = try await analyzer.detect(in: frame, options: pipeline.detection)
            var record = Frame(ms: ms.rounded(), faces: faces.count)
            if let face = faces.first {
                let marks = try await analyzer.landmarks(for: [face], in: frame)[0]
                let p = marks.pose
                record.pose = HeadPose(
                    yaw: Rounding.coordinate(p.yaw), pitch: Rounding.coordinate(p.pitch),
                    roll: Rounding.coordinate(p.roll))
                record.eyeOpenness = [marks.leftEyeOpenness, marks.rightEyeOpenness].map {
                    ($0 * 1000).rounded() / 1000
                }
                record.mouthOpenness = (marks.mouthOpenness * 1000).rounded() / 1000
            }
            if json {
                print(String(decoding: try encoder.encode(record), as: UTF8.self))
            } else if let pose = record.pose, let eyes = record.eyeOpenness, let mouth = record.mouthOpenness {
                print(
                    String(
                        format: "%7.0f ms  yaw %+6.1f  pitch %+6.1f  roll %+6.1f  eyes %.2f %.2f  mouth %.2f", ms,
                        pose.yaw,
                        pose.pitch, pose.roll, eyes[0], eyes[1], mouth))
            } else {
                print(String(format: "%7.0f ms  %d faces", ms, record.faces))
            }
        }
        guard decoded > 0 else { throw FaceKitError(.imageUnreadable, "\(video) has no decodable video frames") }
    }
}
