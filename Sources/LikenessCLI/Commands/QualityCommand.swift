import ArgumentParser
import FaceKit
import Foundation
import Workflows

struct QualityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quality",
        abstract: "Judge a face's quality against a profile (selfie, document, enrollment).",
        discussion: """
            Exit status: 0 when the face passes the profile, 1 when it does not, 2 on error.

            Examples:
              likeness quality selfie.jpg
              likeness quality --profile enrollment portrait.jpg --json
              likeness quality --profile portrait --profiles profiles.json portrait.jpg
            """)

    @Argument(help: "The image.")
    var image: String

    @Option(help: "The quality profile: selfie, document, enrollment, or one from --profiles.")
    var profile: String = "selfie"

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var qualityOptions: QualityOptions
    @OptionGroup var pipeline: PipelineOptions

    struct Report: Encodable {
        var image: String
        var face: FaceDocument
        var pose: HeadPose
        var quality: QualityAssessment
    }

    func run() async throws {
        let chosenProfile = try qualityOptions.profile(named: profile)
        let analyzer = try pipeline.makeAnalyzer()
        let picture = try await pipeline.load(image, with: analyzer)
        let faces = try await analyzer.detect(in: picture, options: pipeline.detection)
        let face = try pipeline.select.pick(from: faces, imageWidth: picture.width, imageHeight: picture.height)
        let (quality, landmarks) = try await analyzer.assessQuality(
            of: face, among: faces, in: picture, profile: chosenProfile)
        if json {
            try printJSON(Report(image: image, face: FaceDocument(face), pose: landmarks.pose, quality: quality))
        } else {
            let verdict = quality.passed ? "PASS" : "FAIL (\(quality.reasons.joined(separator: ", ")))"
            print("\(image): \(verdict) for profile \(quality.profile); unified score \(quality.unifiedScore)")
            for component in quality.components {
                print(
                    String(
                        format: "  %@ %8.3f  score %5.1f",
                        component.name.padding(toLength: 21, withPad: " ", startingAt: 0),
                        component.value, component.score))
            }
            let pose = landmarks.pose
            print(String(format: "  pose: yaw %+.1f° pitch %+.1f° roll %+.1f°", pose.yaw, pose.pitch, pose.roll))
        }
        if !quality.passed { throw ExitCode(1) }
    }
}
