import FaceKit
import Foundation
import TestSupport
import Testing

@testable import Workflows

/// Following faces between detections: no models.
@Suite("Workflows: face tracks")
struct FaceTrackTests {
    static func face(_ x: Double, _ y: Double, side: Double = 100, score: Double = 0.9) -> DetectedFace {
        DetectedFace(
            box: BoundingBox(minX: x, minY: y, maxX: x + side, maxY: y + side), score: score,
            keypoints: Array(repeating: Point(x: x + side / 2, y: y + side / 2), count: 5))
    }

    @Test("a moving face stays one track; a face elsewhere starts another; a lost track closes after its patience")
    func association() {
        var tracker = FaceTracker(patience: 2)
        #expect(tracker.update(frame: 0, faces: [Self.face(0, 0), Self.face(500, 0)]) == [0, 1])
        // Both moved by 30 px: the same tracks, whatever the order they come in.
        #expect(tracker.update(frame: 1, faces: [Self.face(530, 0), Self.face(30, 0)]) == [1, 0])
        // The first face is missed for three passes (more than its patience of 2): a face at its
        // place afterwards is someone new.
        for frame in 2...4 { _ = tracker.update(frame: frame, faces: [Self.face(530, 0)]) }
        #expect(tracker.update(frame: 5, faces: [Self.face(30, 0), Self.face(530, 0)]) == [2, 1])
        #expect(tracker.tracks.map(\.id) == [1, 2, 3])
        #expect(tracker.tracks[1].sightings.count == 6)
    }

    @Test("between sightings the box is interpolated (grown only over a miss); past the ends it is carried and grown")
    func regions() throws {
        var tracker = FaceTracker(patience: 10)
        _ = tracker.update(frame: 10, faces: [Self.face(0, 0)])
        _ = tracker.update(frame: 12, faces: [Self.face(20, 0)])
        _ = tracker.update(frame: 20, faces: [Self.face(100, 0)])
        let track = tracker.tracks[0]
        #expect(track.region(atFrame: 10, reach: 5) == Self.face(0, 0).box)
        // Frame 11 lies between adjacent detection passes (every 1 would be frames 10, 11, 12, but
        // with every = 2 they are 10 and 12): halfway, not grown.
        let mid = try #require(track.region(atFrame: 11, reach: 5))
        #expect(abs(mid.minX - 10) < 1e-9 && abs(mid.width - 100) < 1e-9, "\(mid)")
        // Frame 16 is 4 frames from either sighting of a gap the detector missed: grown.
        let gap = try #require(track.region(atFrame: 16, reach: 5))
        #expect(gap.width > 100 && gap.center.x > 60 && gap.center.x < 120, "\(gap)")
        // Before the first and after the last sighting, within reach: the end box, grown with distance.
        let before = try #require(track.region(atFrame: 7, reach: 5))
        #expect(before.width > 100 && abs(before.center.x - 50) < 1e-9)
        let after1 = try #require(track.region(atFrame: 21, reach: 5))
        let after5 = try #require(track.region(atFrame: 25, reach: 5))
        #expect(after5.width > after1.width && after1.width > 100)
        #expect(track.region(atFrame: 4, reach: 5) == nil && track.region(atFrame: 26, reach: 5) == nil)
    }

    @Test("keep needs the best templates to agree; only hides on one; no template means hidden")
    func judgement() async throws {
        struct Fixed: SubjectRecognizer {
            var scores: [[Float]: Double]
            var subjects: [String] { ["alice"] }
            func similarities(to vector: [Float]) async throws -> [String: Double] { ["alice": scores[vector] ?? 0] }
        }
        let recognizer = Fixed(scores: [[1]: 0.9, [2]: 0.1, [3]: 0.1])
        let mixed: [[Float]] = [[1], [2], [3]]
        let keep = try await RedactionJudgement.judge(
            templates: mixed, target: .allBut(["alice"]), recognizer: recognizer, threshold: 0.4)
        #expect(keep.action == "hidden" && keep.reason == "not_a_kept_subject", "mean of the best three is 0.37")
        let only = try await RedactionJudgement.judge(
            templates: mixed, target: .only(["alice"]), recognizer: recognizer, threshold: 0.4)
        #expect(only.action == "hidden" && only.subject == "alice")
        let clear = try await RedactionJudgement.judge(
            templates: [[1], [1]], target: .allBut(["alice"]), recognizer: recognizer, threshold: 0.4)
        #expect(clear.action == "kept" && clear.reason == "consented_subject")
        let unseen = try await RedactionJudgement.judge(
            templates: [], target: .only(["alice"]), recognizer: recognizer, threshold: 0.4)
        #expect(unseen.action == "hidden" && unseen.reason == "not_recognisable")
        let everyone = try await RedactionJudgement.judge(
            templates: [], target: .everyone, recognizer: nil, threshold: 0.4)
        #expect(everyone.action == "hidden" && everyone.reason == "everyone")
    }
}

/// Redacting photos with the real models.
@Suite(
    "Workflows: photo redaction",
    .enabled(if: Fixtures.needsModelsAndData, "models or ../shared/data missing (developer machine): skipped"))
struct PhotoRedactionTests {
    @Test(
        "each style leaves no face Likeness finds at 0.3 or matches to its original at FMR 1e-2",
        arguments: RedactionStyle.allCases)
    func unrecognisable(style: RedactionStyle) async throws {
        let analyzer = try Fixtures.analyzer()
        let footage = FootageWorkflows(analyzer: analyzer)
        let threshold = try OperatingPoint(pack: analyzer.pack, fmr: 1e-2, defaultFMR: 1e-2).threshold
        for photo in ["Paul_Wolfowitz/Paul_Wolfowitz_0002.jpg", "Jennifer_Lopez/Jennifer_Lopez_0003.jpg"] {
            let image = try Image.decode(try Fixtures.lfw(photo))
            let (redacted, document) = try await footage.redact(image, options: RedactionOptions(style: style))
            #expect(document.hidden >= 1 && document.kept == 0, "\(photo): \(document)")
            let originals = try await analyzer.detect(in: image)
            let originalTemplates = try await analyzer.embed(originals, in: image)
            let found = try await analyzer.detect(
                in: redacted, options: DetectionOptions(scoreThreshold: 0.3, inputSize: .fixed(640)))
            guard !found.isEmpty else { continue }
            let templates = try await analyzer.embed(found, in: redacted)
            for (face, template) in zip(found, templates) {
                for original in originalTemplates {
                    let similarity = template.similarity(to: original)
                    #expect(
                        similarity < threshold, "\(photo) \(style): a face at \(face.box) still matches (\(similarity))"
                    )
                }
            }
        }
    }

    @Test("a margin of zero hides exactly the box; the pixels outside every region are untouched")
    func outsideUntouched() async throws {
        let analyzer = try Fixtures.analyzer()
        let image = try Image.decode(try Fixtures.lfw("Paul_Wolfowitz/Paul_Wolfowitz_0002.jpg"))
        let (redacted, document) = try await FootageWorkflows(analyzer: analyzer).redact(
            image, options: RedactionOptions(style: .box, margin: 0))
        let box = try #require(document.faces.first?.box)
        let before = image.bgrPixels()
        let after = redacted.bgrPixels()
        var changedOutside = 0
        var blackInside = 0
        var inside = 0
        for y in 0..<image.height {
            for x in 0..<image.width {
                let offset = (y * image.width + x) * 3
                let within =
                    Double(x) >= box[0].rounded(.down) && Double(x) < box[2].rounded(.up)
                    && Double(y) >= box[1].rounded(.down) && Double(y) < box[3].rounded(.up)
                if within {
                    inside += 1
                    if after[offset] == 0 && after[offset + 1] == 0 && after[offset + 2] == 0 { blackInside += 1 }
                } else if before[offset..<offset + 3] != after[offset..<offset + 3] {
                    changedOutside += 1
                }
            }
        }
        #expect(changedOutside == 0)
        #expect(inside > 0 && blackInside == inside)
    }
}
