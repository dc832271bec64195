import Foundation
import TestSupport
import Testing

@testable import FaceKit

@Suite("Liveness: challenge, action rules, planar check")
struct LivenessRuleTests {
    @Test(
        "random challenges: 2 or 3 distinct actions, a head movement in each, never both turns, look_up only when allowed"
    )
    func randomChallenges() throws {
        var lengths = Set<Int>()
        var seen = Set<LivenessAction>()
        for _ in 0..<2_000 {
            let challenge = try LivenessChallenge.random()
            lengths.insert(challenge.actions.count)
            seen.formUnion(challenge.actions)
            #expect(Set(challenge.actions).count == challenge.actions.count)
            #expect(challenge.actions.contains { $0.movesHead })
            #expect(!(challenge.actions.contains(.turnLeft) && challenge.actions.contains(.turnRight)))
        }
        #expect(lengths == [2, 3])
        // look_up only when allowed (its genuine rejection is not under control).
        #expect(seen == LivenessChallenge.defaultActions)
        #expect(!seen.contains(.lookUp))
        // Drawn uniformly from every valid challenge: by default 8 of two actions and 12 of
        // three; with all five actions 16 and 42.
        #expect(LivenessChallenge.all(length: 2).count == 8)
        #expect(LivenessChallenge.all(length: 3).count == 12)
        let five = Set(LivenessAction.allCases)
        #expect(LivenessChallenge.all(length: 2, from: five).count == 16)
        #expect(LivenessChallenge.all(length: 3, from: five).count == 42)
        #expect(Set(LivenessChallenge.all(length: 3, from: five).map(\.actions)).count == 42)
        var withLookUp = Set<LivenessAction>()
        for _ in 0..<500 { withLookUp.formUnion(try LivenessChallenge.random(from: five).actions) }
        #expect(withLookUp == five)
    }

    @Test("a challenge drawn from allowed actions uses only those; a pool that cannot make one is refused")
    func allowedActions() throws {
        let noLookUp: Set<LivenessAction> = [.turnLeft, .turnRight, .blink, .openMouth]
        for _ in 0..<500 {
            let challenge = try LivenessChallenge.random(from: noLookUp)
            #expect(Set(challenge.actions).isSubset(of: noLookUp))
            #expect(challenge.actions.contains { $0.movesHead })
        }
        // Two usable actions: every challenge is exactly those two, in either order.
        let pair = try LivenessChallenge.random(from: [.lookUp, .blink])
        #expect(Set(pair.actions) == [.lookUp, .blink])
        // Both turns count as one: with a blink that makes two, never three.
        #expect(try LivenessChallenge.random(count: 2, from: [.turnLeft, .turnRight, .blink]).actions.count == 2)
        #expect(throws: FaceKitError.self) {
            try LivenessChallenge.random(count: 3, from: [.turnLeft, .turnRight, .blink])
        }
        #expect(throws: FaceKitError.self) { try LivenessChallenge.random(from: [.blink, .openMouth]) }
        #expect(throws: FaceKitError.self) { try LivenessChallenge.random(from: [.turnLeft, .turnRight]) }
        #expect(throws: FaceKitError.self) { try LivenessChallenge.random(from: []) }
        #expect(throws: FaceKitError.self) { try LivenessChallenge.random(count: 4) }
    }

    @Test("challenges parse from text; unknown and repeated actions are refused")
    func parsing() throws {
        #expect(try LivenessChallenge(parsing: "turn_left, blink").actions == [.turnLeft, .blink])
        #expect(throws: FaceKitError.self) { try LivenessChallenge(parsing: "wave") }
        #expect(throws: FaceKitError.self) { try LivenessChallenge(parsing: "blink,blink") }
        #expect(throws: FaceKitError.self) { try LivenessChallenge(parsing: "") }
    }

    /// A synthetic session: 12 frames a second, neutral first, then the given changes.
    static func frames(_ script: [(ms: Double, yaw: Double, pitch: Double, eye: Double, mouth: Double)])
        -> [FrameObservation]
    {
        script.map { step in
            var observation = FrameObservation(milliseconds: step.ms, faceCount: 1)
            observation.face = DetectedFace(
                box: BoundingBox(minX: 100, minY: 100, maxX: 200, maxY: 220), score: 0.9, keypoints: [])
            observation.syntheticPose = HeadPose(yaw: step.yaw, pitch: step.pitch, roll: 0)
            observation.syntheticEye = step.eye
            observation.syntheticMouth = step.mouth
            return observation
        }
    }

    static func session(_ events: [(from: Double, to: Double, yaw: Double, pitch: Double, eye: Double, mouth: Double)])
        -> [FrameObservation]
    {
        frames(
            stride(from: 0.0, to: 8_000, by: 1000 / 12).map { ms in
                var step = (ms: ms, yaw: 0.0, pitch: 0.0, eye: 0.3, mouth: 0.05)
                for event in events where ms >= event.from && ms < event.to {
                    step = (ms, event.yaw, event.pitch, event.eye, event.mouth)
                }
                return step
            })
    }

    @Test("actions are found in order, each in its time; out of order or missing is not found")
    func actionOrder() throws {
        let decision = LivenessDecision(thresholds: LivenessThresholds())
        let frames = Self.session([
            (1_500, 2_200, 22, 0, 0.3, 0.05),  // turn left
            (3_000, 3_170, 0, 0, 0.05, 0.05),  // blink
            (4_000, 4_600, 0, 0, 0.3, 0.7),  // open mouth
        ])
        let base = try #require(decision.baseline(frames))
        let found = decision.actions(
            LivenessChallenge(actions: [.turnLeft, .blink, .openMouth]), in: frames, base: base)
        #expect(found.allSatisfy { $0.found }, "\(found)")
        #expect(found.map { $0.atMilliseconds ?? 0 }.sorted() == found.map { $0.atMilliseconds ?? 0 })
        // The turn came before the blink, so a challenge asking for the blink first fails.
        let reversed = decision.actions(LivenessChallenge(actions: [.openMouth, .turnLeft]), in: frames, base: base)
        #expect(!reversed.allSatisfy { $0.found })
        let wrongSide = decision.actions(LivenessChallenge(actions: [.turnRight, .blink]), in: frames, base: base)
        #expect(wrongSide.first?.found == false)
        // A wide-open mouth is order-checked too: asked after the blink, a mouth opened before
        // it fails even though the mouth opens again later. A blink before its turn does not.
        let mouthFirst = Self.session([
            (1_000, 1_400, 0, 0, 0.3, 0.7),  // open mouth
            (3_000, 3_170, 0, 0, 0.05, 0.05),  // blink
            (4_000, 4_600, 22, 0, 0.3, 0.05),  // turn left
            (5_000, 5_400, 0, 0, 0.3, 0.7),  // open mouth again
        ])
        let mouthBase = try #require(decision.baseline(mouthFirst))
        let early = decision.actions(
            LivenessChallenge(actions: [.blink, .turnLeft, .openMouth]), in: mouthFirst, base: mouthBase)
        #expect(!early.allSatisfy { $0.found }, "\(early)")
        let blinkFirst = Self.session([
            (1_000, 1_170, 0, 0, 0.05, 0.05),  // blink
            (2_000, 2_400, 0, 0, 0.3, 0.7),  // open mouth
            (3_000, 3_600, 22, 0, 0.3, 0.05),  // turn left
            (4_500, 4_670, 0, 0, 0.05, 0.05),  // blink again
        ])
        let blinkBase = try #require(decision.baseline(blinkFirst))
        let blinkEarly = decision.actions(
            LivenessChallenge(actions: [.openMouth, .turnLeft, .blink]), in: blinkFirst, base: blinkBase)
        #expect(blinkEarly.allSatisfy { $0.found }, "\(blinkEarly)")
    }

    @Test("the neutral face: the opening moments when the head is steady there, else the whole recording")
    func baselineFromRestingPose() throws {
        let decision = LivenessDecision(thresholds: LivenessThresholds())
        let turnLeft = LivenessChallenge(actions: [.turnLeft])
        // The recording starts mid-swing (yaw +2° → +16° in the first 700 ms), then rests at 0°
        // and turns 16° to the left. The opening's median (about +9°) would make the turn 7°.
        var swinging = Self.session([(3_000, 3_700, 16, 0, 0.3, 0.05)])
        for index in swinging.indices where swinging[index].milliseconds < 700 {
            swinging[index].syntheticPose = HeadPose(
                yaw: 2 + swinging[index].milliseconds / 50, pitch: 0, roll: 0)
        }
        let swingBase = try #require(decision.baseline(swinging))
        #expect(abs(swingBase.yaw) < 1)
        let found = decision.actions(turnLeft, in: swinging, base: swingBase)
        #expect(found.first?.found == true, "\(found)")
        // A steady opening is the neutral face even when the rest of the recording leans away
        // from it: the person rests at −9° for 2 s, then turns 12°, a 21° turn from rest.
        let leaning = Self.session([(0, 2_000, -9, 0, 0.3, 0.05), (3_000, 3_700, 12, 0, 0.3, 0.05)])
        let leanBase = try #require(decision.baseline(leaning))
        #expect(leanBase.yaw == -9)
        #expect(decision.actions(turnLeft, in: leaning, base: leanBase).first?.found == true)
        // With a steady opening at 0°, the same 12° turn is too small.
        let small = Self.session([(3_000, 3_700, 12, 0, 0.3, 0.05)])
        let smallBase = try #require(decision.baseline(small))
        #expect(decision.actions(turnLeft, in: small, base: smallBase).first?.found == false)
    }

    @Test("a blink closes both eyes and reopens quickly; closed eyes that stay closed are not a blink")
    func blink() throws {
        let decision = LivenessDecision(thresholds: LivenessThresholds())
        let long = Self.session([(2_000, 4_000, 0, 0, 0.05, 0.05)])
        let base = try #require(decision.baseline(long))
        #expect(decision.find(.blink, in: long, from: 0, deadline: 8_000, base: base) == nil)
        let quick = Self.session([(2_000, 2_200, 0, 0, 0.05, 0.05)])
        #expect(decision.find(.blink, in: quick, from: 0, deadline: 8_000, base: base) != nil)
    }

    @Test("a blink seen only between two samples is found through the frames between samples")
    func blinkBetweenSamples() throws {
        let decision = LivenessDecision(thresholds: LivenessThresholds())
        let samples = Self.session([(1_500, 2_200, 22, 0, 0.3, 0.05)])  // a turn, no blink on any sample
        let base = try #require(decision.baseline(samples))
        var closed = Self.frames([(ms: 2_540, yaw: 0, pitch: 0, eye: 0.04, mouth: 0.05)])[0]
        closed.intermediate = true
        let eyes = (samples + [closed]).sorted { $0.milliseconds < $1.milliseconds }
        let challenge = LivenessChallenge(actions: [.turnLeft, .blink])
        #expect(!decision.actions(challenge, in: samples, base: base).allSatisfy { $0.found })
        let found = decision.actions(challenge, in: samples, eyes: eyes, base: base)
        #expect(found.allSatisfy { $0.found }, "\(found)")
        #expect(found.last?.atMilliseconds == 2_540)
    }

    @Test("every event is listed by the challenge search's own rules, with its peak and how far it went")
    func events() throws {
        let decision = LivenessDecision(thresholds: LivenessThresholds())
        let frames = Self.session([
            (1_000, 1_400, 24, 0, 0.3, 0.05),  // turn left, 5 samples
            (2_010, 2_090, -16, 0, 0.3, 0.05),  // turn right, 1 sample only: not held
            (3_000, 3_200, 0, 0, 0.05, 0.05),  // blink
            (4_000, 4_400, 0, 0, 0.3, 0.7),  // open mouth
            (7_800, 8_000, 30, 0, 0.3, 0.05),  // a turn still going at the end
        ])
        let base = try #require(decision.baseline(frames))
        let events = decision.events(in: frames, base: base)
        #expect(events.map(\.action) == [.turnLeft, .blink, .openMouth, .turnLeft], "\(events)")
        #expect(events[0].value == 24)
        #expect(events[0].frames >= 4)
        #expect(abs(events[1].value - 0.05 / 0.3) < 1e-9)
        #expect(events[2].value == 0.7)
        #expect(events.map(\.cutOff) == [false, false, false, true])
        // Whatever the challenge search finds is among the events, at the same place.
        let found = decision.actions(
            LivenessChallenge(actions: [.turnLeft, .blink, .openMouth]), in: frames, base: base)
        #expect(found.allSatisfy { $0.found })
        for (outcome, event) in zip(found, events) {
            #expect((event.startMilliseconds...event.endMilliseconds).contains(outcome.atMilliseconds ?? -1))
        }
    }

    @Test("talking-sized mouth movements are not an open mouth; a wide one held for 3 frames is")
    func mouth() throws {
        let decision = LivenessDecision(thresholds: LivenessThresholds())
        let talking = Self.session([(2_000, 4_000, 0, 0, 0.3, 0.4)])
        let base = try #require(decision.baseline(talking))
        #expect(decision.find(.openMouth, in: talking, from: 0, deadline: 8_000, base: base) == nil)
        let flicker = Self.session([(2_000, 2_100, 0, 0, 0.3, 0.8)])  // two samples
        #expect(decision.find(.openMouth, in: flicker, from: 0, deadline: 8_000, base: base) == nil)
        let wide = Self.session([(2_000, 2_400, 0, 0, 0.3, 0.8)])
        #expect(decision.find(.openMouth, in: wide, from: 0, deadline: 8_000, base: base) != nil)
    }

    @Test("an action later than its time allowance is not found")
    func timing() throws {
        let decision = LivenessDecision(thresholds: LivenessThresholds())
        let late = Self.session([(7_000, 7_600, 22, 0, 0.3, 0.05)])
        let base = try #require(decision.baseline(late))
        let outcome = decision.actions(LivenessChallenge(actions: [.turnLeft]), in: late, base: base)
        #expect(outcome.first?.found == false)
    }

    @Test("each failed check reports its stable reason code; a live result has none")
    func reasonCodes() throws {
        let names = LivenessCheckKind.allCases
        #expect(
            names.map(\.rawValue) == ["one_face", "face_present", "actions", "not_planar", "continuity", "same_person"])
        let failed = names.map { LivenessCheck(name: $0, passed: false, value: 0, threshold: 1) }
        #expect(
            failed.map(\.name.failureReason.rawValue) == [
                "multiple_faces", "face_lost", "challenge_not_met", "planar_motion", "discontinuity",
                "identity_changed",
            ])
        // A check encodes its kind as the stable name.
        let check = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(failed[3])) as? [String: Any]
        #expect(check?["name"] as? String == "not_planar")
        // The shared encoding of an action's outcome, as the API and the CLI print it.
        let encoded = try JSONEncoder().encode(ActionOutcome(action: .lookUp, found: true, atMilliseconds: 1_200))
        let object = try JSONSerialization.jsonObject(with: encoded) as? [String: Any]
        #expect(object?["action"] as? String == "look_up")
        #expect(object?["at_ms"] as? Double == 1_200)
        #expect(object?.count == 3)
        var result = LivenessResult(
            live: false, score: 0, checks: failed, actions: [], framesAnalysed: 0, durationMilliseconds: 0)
        #expect(result.reasons.count == names.count)
        // Without a reference frame, same_person says so rather than "identity changed".
        #expect(result.reasons.last == .noReferenceFrame)
        result.checks = names.map { LivenessCheck(name: $0, passed: true, value: 1, threshold: 0) }
        #expect(result.reasons.isEmpty)
    }

    @Test("a homography maps a plane's points exactly; a 3D rotation of a face's points does not")
    func homography() throws {
        // A grid on a plane, seen after a perspective warp: residual ≈ 0.
        let grid = (0..<10).flatMap { x in (0..<10).map { y in Point(x: Double(x) * 10, y: Double(y) * 10) } }
        let warp = { (p: Point) -> Point in
            let w = 0.001 * p.x + 0.0005 * p.y + 1
            return Point(x: (1.1 * p.x + 0.2 * p.y + 5) / w, y: (-0.1 * p.x + 0.9 * p.y + 7) / w)
        }
        let planar = try #require(Homography.residual(from: grid, to: grid.map(warp)))
        #expect(planar < 1e-6)
        // Points with depth (a nose in front of the cheeks) rotated about the vertical axis.
        let face = grid.map { p -> (Point, Double) in
            let depth = 30 * exp(-(pow(p.x - 45, 2) + pow(p.y - 45, 2)) / 600)
            return (p, depth)
        }
        let angle = 20.0 * .pi / 180
        let turned = face.map { p, z in Point(x: (p.x - 45) * cos(angle) + z * sin(angle) + 45, y: p.y) }
        let solid = try #require(Homography.residual(from: face.map(\.0), to: turned))
        #expect(solid > 1)
    }

    @Test("continuity: a cut moves the face more than a face width between samples")
    func continuity() {
        let decision = LivenessDecision(thresholds: LivenessThresholds())
        var frames = Self.session([])
        #expect(decision.largestJump(frames).move < 0.01)
        frames[40].face = DetectedFace(
            box: BoundingBox(minX: 300, minY: 100, maxX: 400, maxY: 220), score: 0.9, keypoints: [])
        #expect(decision.largestJump(frames).move > LivenessThresholds().maxJumpWidths)
    }
}

@Suite(
    "Liveness on real faces and clips",
    .enabled(if: Fixtures.needsModelsAndData, "models or ../shared/data missing (developer machine): skipped"))
struct LivenessRealTests {
    static let clips = Fixtures.sharedData.appendingPathComponent("video")

    /// The main face's landmarks at each of the given times of a clip.
    func landmarks(clip: String, at times: [Double]) async throws -> [(FaceLandmarks, DetectedFace)] {
        let analyzer = try Fixtures.analyzer()
        let reader = try VideoReader(path: Self.clips.appendingPathComponent(clip).path)
        var result: [(FaceLandmarks, DetectedFace)] = []
        var pending = times.sorted()
        while let (frame, ms) = try reader.next(), let next = pending.first {
            guard ms >= next else { continue }
            pending.removeFirst()
            let face = try #require(try await analyzer.detect(in: frame).max { $0.box.area < $1.box.area })
            result.append((try await analyzer.landmarks(for: [face], in: frame)[0], face))
        }
        return result
    }

    @Test("a photo tilted in perspective moves its landmarks by one homography; a real head turn does not")
    func planarResidualOnRealFaces() async throws {
        let analyzer = try Fixtures.analyzer()
        let photo = try Image.decode(try Fixtures.lfw("Paul_Wolfowitz/Paul_Wolfowitz_0002.jpg"))
        let faces = try await analyzer.detect(in: photo)
        let original = try await analyzer.landmarks(for: [faces[0]], in: photo)[0]
        // The photo turned away about its vertical axis: its left edge recedes (shorter, further right).
        let corners = [Point(x: 0, y: 0), Point(x: 250, y: 0), Point(x: 250, y: 250), Point(x: 0, y: 250)]
        let turned = [Point(x: 40, y: 22), Point(x: 235, y: 0), Point(x: 235, y: 250), Point(x: 40, y: 228)]
        let h = try #require(Homography.matrix(from: corners, to: turned))
        let tilted = try photo.warpedPerspective(by: h, width: 250, height: 250)
        let tiltedFace = try #require(try await analyzer.detect(in: tilted).max { $0.box.area < $1.box.area })
        let moved = try await analyzer.landmarks(for: [tiltedFace], in: tilted)[0]
        let flat = try #require(Homography.residual(from: original.points, to: moved.points))
        let planarThreshold = LivenessThresholds().planarResidual
        #expect(
            flat / tiltedFace.interEyeDistance < planarThreshold, "photo residual \(flat / tiltedFace.interEyeDistance)"
        )
        // d12: frontal at 500 ms, turned at 1920 ms (turn_left) and 3280 ms (turn_right).
        let frames = try await landmarks(clip: "d12.mp4", at: [500, 1_920, 3_280])
        try #require(frames.count == 3)
        for turned in frames.dropFirst() {
            let residual = try #require(Homography.residual(from: frames[0].0.points, to: turned.0.points))
            #expect(
                residual / turned.1.interEyeDistance > planarThreshold,
                "real turn residual \(residual / turned.1.interEyeDistance)")
        }
    }

    @Test("genuine sequences from the clips pass; the same clip with the actions in another order does not")
    func genuineAndReplay() async throws {
        let analyzer = try Fixtures.analyzer()
        let identity = try analyzer.pack.decisionThreshold(fmr: 1e-5).threshold
        let d12 = Self.clips.appendingPathComponent("d12.mp4").path
        let genuine = try await analyzer.analyzeLiveness(
            videoAt: d12, challenge: LivenessChallenge(actions: [.blink, .turnRight, .openMouth]),
            identityThreshold: identity, window: 500...8_000)
        #expect(genuine.live, "\(genuine.checks) \(genuine.actions)")
        #expect(genuine.actions.allSatisfy { $0.found })
        #expect(genuine.reference != nil)
        #expect(genuine.reasons.isEmpty)
        let replay = try await analyzer.analyzeLiveness(
            videoAt: d12, challenge: LivenessChallenge(actions: [.turnRight, .turnLeft, .blink]),
            identityThreshold: identity)
        #expect(!replay.live)
        #expect(replay.checks.first { $0.name == .actions }?.passed == false)
        #expect(replay.reasons == [.challengeNotMet], "\(replay.checks)")
    }

    @Test("the events of a real clip hold the actions genuine challenges find in it")
    func realEvents() async throws {
        let analyzer = try Fixtures.analyzer()
        let scan = try await analyzer.livenessEvents(videoAt: Self.clips.appendingPathComponent("d12.mp4").path)
        let actions = Set(scan.events.filter { !$0.cutOff }.map(\.action))
        #expect(actions.isSuperset(of: [.turnLeft, .turnRight, .openMouth, .blink]), "\(scan.events)")
        #expect(scan.framesAnalysed > 90)
        #expect(scan.events.map(\.startMilliseconds) == scan.events.map(\.startMilliseconds).sorted())
    }

    @Test("bad recordings: not a video is unsupported_format; too long is video_too_long")
    func badRecordings() async throws {
        let analyzer = try Fixtures.analyzer()
        let junk = FileManager.default.temporaryDirectory.appendingPathComponent("likeness-junk-\(UUID()).webm")
        try Data("not a video at all".utf8).write(to: junk)
        defer { try? FileManager.default.removeItem(at: junk) }
        do {
            _ = try await analyzer.analyzeLiveness(
                videoAt: junk.path, challenge: LivenessChallenge(actions: [.blink]), identityThreshold: 0.3)
            Issue.record("a file that is not a video was analysed")
        } catch let error as FaceKitError {
            // Refused by its first bytes, before FFmpeg sees it (VideoContainer).
            #expect(error.code == .unsupportedFormat)
        }
        var limits = LivenessLimits()
        limits.maxSeconds = 2
        do {
            _ = try await analyzer.analyzeLiveness(
                videoAt: Self.clips.appendingPathComponent("d3.mp4").path,
                challenge: LivenessChallenge(actions: [.blink]), identityThreshold: 0.3, limits: limits)
            Issue.record("an 11 s clip passed a 2 s limit")
        } catch let error as FaceKitError {
            #expect(error.code == .videoTooLong)
        }
    }
}
