import Foundation
import TestSupport
import Testing

@testable import FaceKit

@Suite("Video containers: sniffed by their first bytes")
struct VideoContainerTests {
    static let webmHeader: [UInt8] =
        [
            0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01, 0x42, 0xF7, 0x81, 0x01, 0x42, 0xF2, 0x81, 0x04, 0x42,
            0xF3,
        ]
        + [0x81, 0x08, 0x42, 0x82, 0x84] + Array("webm".utf8) + [0x42, 0x87, 0x81, 0x02, 0x42, 0x85, 0x81, 0x02]
        + [0x18, 0x53, 0x80, 0x67, 0x01, 0xFF, 0xFF, 0xFF]
    static let matroskaHeader: [UInt8] =
        [
            0x1A, 0x45, 0xDF, 0xA3, 0xA3, 0x42, 0x86, 0x81, 0x01, 0x42, 0xF7, 0x81, 0x01, 0x42, 0xF2, 0x81, 0x04, 0x42,
            0xF3,
        ]
        + [0x81, 0x08, 0x42, 0x82, 0x88] + Array("matroska".utf8) + [0x42, 0x87, 0x81, 0x04, 0x42, 0x85, 0x81, 0x02]
    static let mp4Header: [UInt8] =
        [0x00, 0x00, 0x00, 0x20] + Array("ftypmp42".utf8) + [0x00, 0x00, 0x02, 0x00] + Array("mp42iso2avc1mp41".utf8)

    @Test("WebM and Matroska by their EBML DocType, MP4 by its ftyp box")
    func containers() {
        #expect(VideoContainer.sniff(Self.webmHeader) == .webm)
        #expect(VideoContainer.sniff(Self.matroskaHeader) == .webm)
        #expect(VideoContainer.sniff(Self.mp4Header) == .mp4)
        // Any collection of bytes, e.g. a slice of a larger upload.
        #expect(VideoContainer.sniff((Self.mp4Header + [0, 1, 2])[0...]) == .mp4)
    }

    @Test("everything else is nil: PNG, playlists, concat scripts, empty, truncated, another EBML DocType")
    func others() {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)
        #expect(VideoContainer.sniff(png) == nil)
        #expect(VideoContainer.sniff(Array("#EXTM3U\n#EXT-X-VERSION:3\nhttp://127.0.0.1/a.ts\n".utf8)) == nil)
        #expect(VideoContainer.sniff(Array("ffconcat version 1.0\nfile 'a.webm'\n".utf8)) == nil)
        #expect(VideoContainer.sniff([UInt8]()) == nil)
        #expect(VideoContainer.sniff(Array(Self.webmHeader.prefix(10))) == nil)
        #expect(VideoContainer.sniff(Array(Self.mp4Header.prefix(8))) == nil)
        var other = Self.webmHeader
        other.replaceSubrange(24..<28, with: Array("mkvx".utf8))
        #expect(VideoContainer.sniff(other) == nil)
        // An ftyp box that says it is smaller than its own fields.
        var tiny = Self.mp4Header
        tiny[3] = 8
        #expect(VideoContainer.sniff(tiny) == nil)
    }

    @Test("no prefix or corruption of a header crashes the sniff")
    func robustness() {
        for header in [Self.webmHeader, Self.matroskaHeader, Self.mp4Header] {
            for length in 0...header.count { _ = VideoContainer.sniff(Array(header.prefix(length))) }
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            var bytes = Self.webmHeader
            for _ in 0..<3 { bytes[Int.random(in: 4..<bytes.count, using: &generator)] = .random(in: 0...255) }
            _ = VideoContainer.sniff(bytes)
        }
    }

    @Test("require throws unsupported_format for anything but the allowed containers")
    func require() throws {
        #expect(try VideoContainer.require(Self.webmHeader) == .webm)
        let error = #expect(throws: FaceKitError.self) { try VideoContainer.require(Self.mp4Header, allowed: [.webm]) }
        #expect(error?.code == .unsupportedFormat)
        let text = #expect(throws: FaceKitError.self) { try VideoContainer.require(Array("not a video".utf8)) }
        #expect(text?.code == .unsupportedFormat)
    }
}

@Suite("Frame timeline: the frame budget, advancing time, a plausible rate")
struct FrameTimelineTests {
    /// Feeds `times` through a timeline; the index of the frame refused, or nil.
    func refusal(_ times: [Double], limits: LivenessLimits = LivenessLimits()) -> (Int, FaceKitError.Code)? {
        var timeline = FrameTimeline(limits: limits)
        for (index, time) in times.enumerated() {
            do {
                try timeline.count()
                _ = try timeline.advances(time)
            } catch let error as FaceKitError {
                return (index, error.code)
            } catch {
                return (index, .internalFailure)
            }
        }
        do { try timeline.finish() } catch let error as FaceKitError { return (times.count, error.code) } catch {}
        return nil
    }

    @Test("a 25 fps clip whose last two frames OpenCV stamps at 0 ms is accepted; they are skipped")
    func trailingZeros() throws {
        let times = (0..<181).map { Double($0) * 40 } + [0, 0]
        #expect(refusal(times) == nil)
        var timeline = FrameTimeline(limits: LivenessLimits())
        let advanced = try times.map { time -> Bool in
            try timeline.count()
            return try timeline.advances(time)
        }
        #expect(advanced.filter { $0 }.count == 181)
        #expect(abs(timeline.meanInterval - 40) < 1e-9)
        #expect(timeline.trailingStale == 2)
    }

    @Test("constant timestamps are refused after a run of stale frames, not piled into one sample")
    func constant() throws {
        let refused = try #require(refusal(Array(repeating: 0, count: 300)))
        #expect(refused.1 == .videoBadTimestamps)
        #expect(refused.0 == FrameTimeline.longestStaleRun + 1)
        // A short file of constant time is refused at its end.
        #expect(refusal(Array(repeating: 0, count: 20))?.1 == .videoBadTimestamps)
    }

    @Test("time going back mid-stream more than a few times is refused")
    func backwards() {
        var times: [Double] = []
        for step in 0..<10 { times += [Double(step) * 100, Double(step) * 100 + 40, 0] }
        #expect(refusal(times)?.1 == .videoBadTimestamps)
        // Once or twice is tolerated.
        #expect(refusal([0, 40, 0, 80, 120, 0, 160, 200]) == nil)
    }

    @Test("thousands of frames a second are refused within the first frames")
    func rate() throws {
        let refused = try #require(refusal((0..<6_000).map { Double($0) / 60 }))
        #expect(refused.1 == .videoBadTimestamps)
        #expect(refused.0 < 20)
        #expect(refusal((0..<300).map { Double($0) * 1000 / 200 }) == nil, "200 fps is within 240")
    }

    @Test("the frame budget: 64 a second of maxSeconds by default, or maxFrames")
    func budget() {
        #expect(LivenessLimits().frameBudget == 640)
        var limits = LivenessLimits()
        limits.maxSeconds = 2
        #expect(limits.frameBudget == 128)
        limits.maxFrames = 5
        #expect(refusal((0..<6).map { Double($0) * 33 }, limits: limits)?.0 == 5)
        #expect(refusal((0..<6).map { Double($0) * 33 }, limits: limits)?.1 == .videoTooManyFrames)
    }
}

@Suite(
    "Liveness budget on generated hostile clips",
    .enabled(if: Fixtures.needsModels, "models missing (developer machine): skipped"))
struct VideoBudgetTests {
    /// The code `analyzeLiveness` refuses `path` with, or nil when it judged it.
    func refusal(_ path: String, limits: LivenessLimits = LivenessLimits()) async throws -> FaceKitError.Code? {
        let analyzer = try Fixtures.analyzer()
        do {
            _ = try await analyzer.analyzeLiveness(
                videoAt: path, challenge: LivenessChallenge(actions: [.blink]), identityThreshold: 0.3, limits: limits)
            return nil
        } catch let error as FaceKitError {
            return error.code
        }
    }

    @Test("300 frames at 60,000 fps: video_bad_timestamps")
    func hugeFrameRate() async throws {
        let clips = try ClipMaker()
        defer { clips.remove() }
        let path = try clips.pattern("fast.mp4", rate: "60000", frames: 300)
        #expect(try await refusal(path) == .videoBadTimestamps)
    }

    @Test("constant timestamps (every frame at 0 ms): video_bad_timestamps")
    func constantTimestamps() async throws {
        let clips = try ClipMaker()
        defer { clips.remove() }
        let path = try clips.pattern(
            "constant.mkv", frames: 100, extra: ["-vf", "setpts=0", "-fps_mode", "passthrough"])
        #expect(try await refusal(path) == .videoBadTimestamps)
    }

    @Test("3840×2160 frames: video_frame_too_large; a lower cap refuses smaller frames too")
    func frameSize() async throws {
        let clips = try ClipMaker()
        defer { clips.remove() }
        let large = try clips.pattern("4k.mp4", size: "3840x2160", rate: "1000", frames: 3)
        #expect(try await refusal(large) == .videoFrameTooLarge)
        let small = try clips.pattern("small.mp4", frames: 10)
        var limits = LivenessLimits()
        limits.maxFramePixels = 320 * 239
        #expect(try await refusal(small, limits: limits) == .videoFrameTooLarge)
    }

    @Test("more frames than the budget: video_too_many_frames (90 frames in 1 s against 64 for a 1 s limit)")
    func tooManyFrames() async throws {
        let clips = try ClipMaker()
        defer { clips.remove() }
        let path = try clips.pattern("many.mp4", rate: "90", frames: 90)
        var limits = LivenessLimits()
        limits.maxSeconds = 1
        #expect(try await refusal(path, limits: limits) == .videoTooManyFrames)
        limits.maxFrames = 20
        limits.maxSeconds = 10
        #expect(try await refusal(path, limits: limits) == .videoTooManyFrames)
    }

    @Test("an analysis past its deadline: video_too_slow")
    func deadline() async throws {
        let clips = try ClipMaker()
        defer { clips.remove() }
        let path = try clips.pattern("slow.mp4", frames: 30)
        var limits = LivenessLimits()
        limits.maxAnalysisSeconds = 0.000_001
        #expect(try await refusal(path, limits: limits) == .videoTooSlow)
    }

    @Test("200 fps within the limits is analysed (extra frames between samples dropped): no_face on a test pattern")
    func highButPlausibleRate() async throws {
        let clips = try ClipMaker()
        defer { clips.remove() }
        let path = try clips.pattern("rate200.mp4", rate: "200", frames: 400)
        let code = try await refusal(path)
        #expect(code == nil || code == .noFace, "\(String(describing: code))")
    }

    @Test("not WebM or MP4 by its bytes (a playlist, a concat script, a PNG): unsupported_format before FFmpeg")
    func containers() async throws {
        let clips = try ClipMaker()
        defer { clips.remove() }
        let playlist = try clips.write("#EXTM3U\n#EXTINF:1,\nhttp://127.0.0.1:9/a.ts\n", to: "playlist.mp4")
        #expect(try await refusal(playlist) == .unsupportedFormat)
        _ = try clips.pattern(
            "a.webm", frames: 5, codec: ["-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8"])
        let concat = try clips.write("ffconcat version 1.0\nfile 'a.webm'\n", to: "concat.webm")
        #expect(try await refusal(concat) == .unsupportedFormat)
        let restricted = #expect(throws: FaceKitError.self) {
            try VideoReader(path: concat, restrictedTo: [.webm, .mp4])
        }
        #expect(restricted?.code == .unsupportedFormat)
        // Footage and `likeness track` open whatever FFmpeg reads: the same script opens unrestricted.
        let reader = try VideoReader(path: concat)
        #expect(try reader.next() != nil)
    }
}

@Suite(
    "Liveness budget on real clips: judged as before, with their duration",
    .enabled(if: Fixtures.needsModelsAndData, "models or ../shared/data missing (developer machine): skipped"))
struct VideoDurationTests {
    static let d12 = Fixtures.sharedData.appendingPathComponent("video/d12.mp4").path

    @Test("duration_ms of d12 (7.3 s) is its ffprobe duration, within two frames; as a MediaRecorder-style WebM too")
    func duration() async throws {
        let analyzer = try Fixtures.analyzer()
        let expected = try ClipMaker.duration(Self.d12) * 1000
        #expect(expected > 7_000)
        let scan = try await analyzer.livenessEvents(videoAt: Self.d12)
        #expect(abs(scan.durationMilliseconds - expected) <= 100, "\(scan.durationMilliseconds) vs \(expected)")
        // VP8 in a WebM without cues or duration, as a browser's MediaRecorder writes it.
        let clips = try ClipMaker()
        defer { clips.remove() }
        let webm = try clips.ffmpeg(
            [
                "-i", Self.d12, "-an", "-c:v", "libvpx", "-b:v", "1M", "-deadline", "realtime", "-cpu-used", "8",
                "-live", "1",
                "-f", "webm",
            ], output: "d12.webm")
        let fromWebM = try await analyzer.livenessEvents(videoAt: webm)
        #expect(abs(fromWebM.durationMilliseconds - expected) <= 100, "\(fromWebM.durationMilliseconds) vs \(expected)")
        #expect(abs(fromWebM.framesAnalysed - scan.framesAnalysed) <= 2)
    }

    @Test("a genuine d12 sequence is still judged live under the default budget, with a non-zero duration")
    func genuine() async throws {
        let analyzer = try Fixtures.analyzer()
        let identity = try analyzer.pack.decisionThreshold(fmr: 1e-5).threshold
        let result = try await analyzer.analyzeLiveness(
            videoAt: Self.d12, challenge: LivenessChallenge(actions: [.blink, .turnRight, .openMouth]),
            identityThreshold: identity, window: 500...8_000)
        #expect(result.live, "\(result.checks) \(result.actions)")
        #expect(result.durationMilliseconds > 6_000, "\(result.durationMilliseconds)")
    }
}
