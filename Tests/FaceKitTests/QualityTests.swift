import Foundation
import TestSupport
import Testing

@testable import FaceKit

@Suite(
    "Landmarks, pose and quality",
    .enabled(if: Fixtures.needsModelsAndData, "models or ../shared/data missing (developer machine): skipped"))
struct QualityTests {
    func passport() throws -> Image { try Image.decode(Fixtures.passport()) }

    /// The portrait of the passport page, cut out with a margin.
    func portrait() async throws -> Image {
        let page = try passport()
        let face = try #require(try await Fixtures.analyzer().detect(in: page).first)
        let margin = face.box.width * 0.8
        return try page.cropped(
            x: Int(face.box.minX - margin), y: Int(face.box.minY - margin), width: Int(face.box.width + 2 * margin),
            height: Int(face.box.height + 2 * margin))
    }

    func analyse(_ image: Image, profile: QualityProfile = .selfie) async throws -> (QualityAssessment, FaceLandmarks) {
        let analyzer = try Fixtures.analyzer()
        let faces = try await analyzer.detect(in: image)
        let face = try FaceSelection.largest.pick(from: faces, imageWidth: image.width, imageHeight: image.height)
        return try await analyzer.assessQuality(of: face, among: faces, in: image, profile: profile)
    }

    @Test("roll follows a known in-plane rotation", arguments: [-30.0, -15.0, 10.0, 25.0])
    func rollOnRotatedImages(degrees: Double) async throws {
        let upright = try await portrait()
        let base = try await analyse(upright).1.pose.roll
        // Rotating the picture counter-clockwise tilts the head counter-clockwise: roll falls by the angle.
        let rotated = try await analyse(upright.rotated(degrees: degrees)).1.pose.roll
        #expect(abs((rotated - base) + degrees) < 2, "rotation \(degrees)°: roll \(base) → \(rotated)")
    }

    @Test("a mirror image mirrors yaw and roll and keeps pitch")
    func mirrorSymmetry() async throws {
        let image = try Image.decode(Fixtures.lfw("Abdullah_Gul/Abdullah_Gul_0013.jpg"))
        let mirrored = try image.oriented(exif: 2)
        let a = try await analyse(image).1.pose
        let b = try await analyse(mirrored).1.pose
        #expect(abs(a.yaw) > 8, "this face is turned: yaw \(a.yaw)")
        #expect(abs(a.yaw + b.yaw) < 3, "yaw \(a.yaw) vs mirrored \(b.yaw)")
        #expect(abs(a.roll + b.roll) < 1.5)
        #expect(abs(a.pitch - b.pitch) < 3)
    }

    @Test("the passport portrait: open eyes, closed mouth, near-frontal, passes the document profile")
    func passportPortrait() async throws {
        let (quality, landmarks) = try await analyse(passport(), profile: .document)
        #expect(landmarks.leftEyeOpenness > 0.2 && landmarks.rightEyeOpenness > 0.2)
        #expect(landmarks.mouthOpenness < 0.1)
        #expect(abs(landmarks.pose.yaw) < 15 && abs(landmarks.pose.roll) < 5)
        #expect(quality.passed, "reasons: \(quality.reasons)")
        #expect(quality.components.count == 10)
    }

    @Test("blur lowers sharpness monotonically and eventually fails the profile")
    func blur() async throws {
        let image = try await portrait()
        var previous = Double.infinity
        var last: QualityAssessment?
        for sigma in [0.0, 1.0, 2.0, 4.0, 8.0] {
            let blurred = sigma == 0 ? image : try image.blurred(sigma: sigma)
            let quality = try await analyse(blurred).0
            let sharpness = try #require(quality.component("sharpness")).value
            #expect(sharpness < previous, "sigma \(sigma): \(sharpness) after \(previous)")
            previous = sharpness
            last = quality
        }
        #expect(last?.reasons.contains("blurred") == true)
    }

    @Test("darkening lowers the exposure score and is reported as too_dark")
    func darkening() async throws {
        let image = try await portrait()
        var previous = Double.infinity
        var last: QualityAssessment?
        for gain in [1.0, 0.6, 0.35, 0.2] {
            let quality = try await analyse(image.adjusted(gain: gain)).0
            let brightness = try #require(quality.component("under_exposure"))
            #expect(brightness.value < previous)
            previous = brightness.value
            last = quality
        }
        #expect(try #require(last?.component("under_exposure")).score < 50)
        #expect(last?.reasons.contains("too_dark") == true)
    }

    @Test("shrinking lowers the size score and is reported as face_too_small")
    func shrinking() async throws {
        let image = try await portrait()
        var previous = Double.infinity
        var last: QualityAssessment?
        for factor in [1.0, 0.6, 0.4, 0.3] {
            let small = try image.resized(
                width: Int(Double(image.width) * factor), height: Int(Double(image.height) * factor))
            let quality = try await analyse(small).0
            let size = try #require(quality.component("face_size"))
            #expect(size.value < previous)
            previous = size.value
            last = quality
        }
        #expect(last?.reasons.contains("face_too_small") == true)
    }

    @Test("profiles round-trip through JSON with their documented keys")
    func profileJSON() throws {
        let data = try JSONEncoder().encode(QualityProfile.enrollment)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"min_inter_eye_distance\""))
        #expect(try JSONDecoder().decode(QualityProfile.self, from: data) == .enrollment)
    }
}
