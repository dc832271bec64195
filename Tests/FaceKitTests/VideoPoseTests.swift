import Foundation
import TestSupport
import Testing

@testable import FaceKit

/// Pose and eye openness on real recordings, at moments checked by looking at the frames
/// (docs/accuracy.md shows them): where the head turns, and where the eyes close.
@Suite(
    "Pose and eyes on video",
    .enabled(if: Fixtures.needsModelsAndData, "models or ../shared/data missing (developer machine): skipped"))
struct VideoPoseTests {
    func frame(_ clip: String, at milliseconds: Double) throws -> Image {
        try Fixtures.requireSharedData()
        let reader = try VideoReader(path: Fixtures.sharedData.appendingPathComponent("video/\(clip).mp4").path)
        #expect(reader.framesPerSecond > 0)
        while let (image, ms) = try reader.next() {
            if ms + 1 >= milliseconds { return image }
        }
        throw FixtureMissing("\(clip) ends before \(milliseconds) ms")
    }

    func landmarks(_ clip: String, _ ms: Double) async throws -> FaceLandmarks {
        let analyzer = try Fixtures.analyzer()
        let image = try frame(clip, at: ms)
        let face = try #require(try await analyzer.detect(in: image).first, "\(clip) @ \(ms) ms: no face")
        return try await analyzer.landmarks(for: [face], in: image)[0]
    }

    @Test(
        "yaw has the documented sign and a plausible size where the head turns",
        arguments: [
            ("d12", 6600.0, 20.0...50.0),  // turned well towards the image's right
            ("d12", 3600.0, -30.0...(-8.0)),  // turned a little towards the image's left
            ("d3", 8800.0, 20.0...50.0),  // turned towards the image's right
            ("d3", 7900.0, -8.0...8.0),  // facing the camera
        ])
    func yaw(clip: String, ms: Double, expected: ClosedRange<Double>) async throws {
        let pose = try await landmarks(clip, ms).pose
        #expect(expected.contains(pose.yaw), "\(clip) @ \(ms) ms: yaw \(pose.yaw)")
    }

    @Test(
        "eye openness separates closed from open eyes",
        arguments: [("d0", 2600.0, false), ("d0", 200.0, true), ("d9", 18700.0, false), ("d9", 16900.0, true)])
    func eyes(clip: String, ms: Double, open: Bool) async throws {
        let marks = try await landmarks(clip, ms)
        let openness = min(marks.leftEyeOpenness, marks.rightEyeOpenness)
        if open {
            #expect(openness > 0.2, "\(clip) @ \(ms) ms: \(openness)")
        } else {
            #expect(openness < QualityProfile.selfie.minEyeOpenness, "\(clip) @ \(ms) ms: \(openness)")
        }
    }

    @Test("a face is found in every sampled frame of every clip, including faces that fill the frame")
    func everyFrameHasAFace() async throws {
        try Fixtures.requireSharedData()
        let analyzer = try Fixtures.analyzer()
        let clips = try FileManager.default.contentsOfDirectory(
            atPath: Fixtures.sharedData.appendingPathComponent("video").path
        )
        .filter { $0.hasSuffix(".mp4") }.sorted()
        #expect(clips.count >= 10)
        var sampled = 0
        for clip in clips {
            let reader = try VideoReader(path: Fixtures.sharedData.appendingPathComponent("video/\(clip)").path)
            var next = 0.0
            while let (image, ms) = try reader.next() {
                guard ms >= next else { continue }
                next += 1000
                sampled += 1
                let faces = try await analyzer.detect(in: image)
                #expect(!faces.isEmpty, "\(clip) @ \(ms) ms: no face")
            }
        }
        #expect(sampled > 100)
    }

    @Test("a file that is not a video is refused with image_unreadable")
    func notAVideo() throws {
        let error = #expect(throws: FaceKitError.self) {
            try VideoReader(path: Fixtures.bundled.appendingPathComponent("cmyk.jpg").path + ".missing")
        }
        #expect(error?.code == .imageUnreadable)
    }
}
