import Foundation
import TestSupport
import Testing

/// `likeness redact` and `likeness video find` on clips built from ../shared/data/video with ffmpeg.
@Suite(
    "footage: redact and video find",
    .enabled(if: Fixtures.needsModelsAndData, "models or ../shared/data missing (developer machine): skipped"))
struct FootageCLITests {
    let cli = CLITests()
    var video: String { Fixtures.sharedData.appendingPathComponent("video").path }

    func scratch() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "likeness-footage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    func json(_ path: String) throws -> [String: Any] {
        let data = try #require(FileManager.default.contents(atPath: path), "\(path) missing")
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// Frames of `path` where Likeness's detector still finds a face at 0.3 with the 640 input.
    func framesWithFaces(_ path: String) throws -> (frames: Int, withFaces: Int) {
        let run = try cli.likeness(
            "track", path, "--rate", "120", "--score-threshold", "0.3", "--detector-size", "640", "--json")
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n")
        let faces = lines.filter { !$0.contains("\"faces\":0") }.count
        return (lines.count, faces)
    }

    /// A frame of a video as a JPEG, optionally one half of it (`left`/`right`).
    func frame(of video: String, at seconds: Double, half: String? = nil, to path: String) throws {
        var arguments = ["-v", "error", "-y", "-ss", String(seconds), "-i", video, "-frames:v", "1"]
        if let half { arguments += ["-vf", half == "left" ? "crop=iw/2:ih:0:0" : "crop=iw/2:ih:iw/2:0"] }
        try FFmpegTool.run("ffmpeg", arguments + [path])
    }

    @Test("a video with audio: every face hidden, frame count, rate, duration and audio kept, a sidecar and a preview")
    func redactVideoKeepsEverything() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("talk.mp4").path
        try FFmpegTool.run(
            "ffmpeg",
            [
                "-v", "error", "-y", "-i", "\(video)/d0.mp4", "-f", "lavfi", "-i", "sine=frequency=440:duration=3.12",
                "-map", "0:v", "-map", "1:a", "-c:v", "copy", "-c:a", "aac", "-shortest", input,
            ])
        let output = dir.appendingPathComponent("public.mp4").path
        let run = try cli.likeness("redact", input, output, "--preview", "6", "--quiet")
        #expect(run.status == 0, "\(run.stderr)")
        let before = try FFmpegTool.facts(input)
        let after = try FFmpegTool.facts(output)
        #expect(after.frames == before.frames && after.rate == before.rate, "\(before) vs \(after)")
        #expect(abs(after.duration - before.duration) < 0.05, "\(before) vs \(after)")
        #expect(after.audio && after.width == before.width && after.height == before.height, "\(after)")
        let leaks = try framesWithFaces(output)
        #expect(leaks.withFaces == 0, "\(leaks.withFaces) of \(leaks.frames) frames still show a face")
        let original = try framesWithFaces(input)
        #expect(
            original.withFaces == original.frames,
            "the input shows a face in \(original.withFaces) of \(original.frames)")
        let sidecar = try json(output + ".json")
        #expect(sidecar["frames"] as? Int == before.frames && sidecar["audio"] as? Bool == true)
        let faces = try #require(sidecar["faces"] as? [[String: Any]])
        #expect(faces.count >= 1 && faces.allSatisfy { $0["action"] as? String == "hidden" }, "\(faces)")
        #expect(!(sidecar.description.contains("template") || sidecar.description.contains("embedding")))
        for file in [output, output + ".json", output + ".preview.jpg"] {
            #expect(
                try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int == 0o600, "\(file)")
        }
    }

    @Test("side by side: --keep A leaves A recognisable and hides B; --only A the reverse")
    func keepAndOnly() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pair = dir.appendingPathComponent("pair.mp4").path
        try FFmpegTool.run(
            "ffmpeg",
            [
                "-v", "error", "-y", "-i", "\(video)/d12.mp4", "-i", "\(video)/d20.mp4", "-filter_complex",
                "[0:v]scale=-2:400,setsar=1,trim=duration=3,setpts=PTS-STARTPTS[a];[1:v]scale=-2:400,setsar=1,trim=duration=3,setpts=PTS-STARTPTS[b];[a][b]hstack",
                "-an", "-c:v", "libx264", "-pix_fmt", "yuv420p", pair,
            ])
        let gallery = dir.appendingPathComponent("gallery").path
        let probeA = dir.appendingPathComponent("a.jpg").path
        let probeB = dir.appendingPathComponent("b.jpg").path
        try frame(of: "\(video)/d12.mp4", at: 5, to: probeA)
        try frame(of: "\(video)/d20.mp4", at: 5, to: probeB)
        for (subject, probe, purpose) in [("alice", probeA, "publication"), ("bob", probeB, "identity_verification")] {
            let enrolled = try cli.likeness(
                "enroll", "--data", gallery, "--subject", subject, "--consent", purpose, probe)
            #expect(enrolled.status == 0, "\(enrolled.stderr)")
        }
        // bob is named too, but his consent is for another purpose: he is hidden like a stranger.
        let kept = dir.appendingPathComponent("keep.mp4").path
        var run = try cli.likeness(
            "redact", pair, kept, "--keep", "alice", "bob", "--purpose", "publication", "--data", gallery, "--quiet")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("bob has no active consent for publication"), "\(run.stderr)")
        let keepReport = try json(kept + ".json")
        let target = try #require(keepReport["target"] as? [String: Any])
        #expect(target["subjects_without_consent"] as? [String] == ["bob"])
        let keepFaces = try #require(keepReport["faces"] as? [[String: Any]])
        #expect(
            keepFaces.filter { $0["action"] as? String == "kept" }.map { $0["subject"] as? String } == ["alice"],
            "\(keepFaces)")
        #expect(keepFaces.filter { $0["action"] as? String == "hidden" }.count >= 1, "\(keepFaces)")
        let keptLeft = dir.appendingPathComponent("keep-left.jpg").path
        let keptRight = dir.appendingPathComponent("keep-right.jpg").path
        try frame(of: kept, at: 1.5, half: "left", to: keptLeft)
        try frame(of: kept, at: 1.5, half: "right", to: keptRight)
        run = try cli.likeness("verify", keptLeft, probeA, "--fmr", "1e-2")
        #expect(run.status == 0, "alice must still match herself: \(run.stdout) \(run.stderr)")
        run = try cli.likeness("verify", keptRight, probeB, "--fmr", "1e-2")
        #expect(run.status != 0, "bob must be hidden: \(run.stdout)")

        let only = dir.appendingPathComponent("only.mp4").path
        run = try cli.likeness("redact", pair, only, "--only", "alice", "--data", gallery, "--quiet")
        #expect(run.status == 0, "\(run.stderr)")
        let onlyLeft = dir.appendingPathComponent("only-left.jpg").path
        let onlyRight = dir.appendingPathComponent("only-right.jpg").path
        try frame(of: only, at: 1.5, half: "left", to: onlyLeft)
        try frame(of: only, at: 1.5, half: "right", to: onlyRight)
        run = try cli.likeness("verify", onlyLeft, probeA, "--fmr", "1e-2")
        #expect(run.status != 0, "alice must be hidden: \(run.stdout)")
        run = try cli.likeness("verify", onlyRight, probeB, "--fmr", "1e-2")
        #expect(run.status == 0, "bob must stay visible: \(run.stdout) \(run.stderr)")
        let onlyFaces = try #require(try json(only + ".json")["faces"] as? [[String: Any]])
        #expect(
            onlyFaces.filter { $0["action"] as? String == "hidden" }.map { $0["subject"] as? String } == ["alice"],
            "\(onlyFaces)")
    }

    @Test("video find: a probe from one clip finds that clip's range in a sequence, within 0.5 s, and nothing else")
    func findInSequence() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sequence = dir.appendingPathComponent("sequence.mp4").path
        // d0 0–3 s, d12 3–6 s, d20 6–9 s, d11 9–12 s.
        let clips = ["d0", "d12", "d20", "d11"]
        var filters = ""
        for (index, _) in clips.enumerated() {
            filters +=
                "[\(index):v]scale=480:480:force_original_aspect_ratio=decrease,pad=480:480:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=25,trim=duration=3,setpts=PTS-STARTPTS[v\(index)];"
        }
        filters += clips.indices.map { "[v\($0)]" }.joined() + "concat=n=\(clips.count):v=1:a=0"
        try FFmpegTool.run(
            "ffmpeg",
            ["-v", "error", "-y"] + clips.flatMap { ["-i", "\(video)/\($0).mp4"] }
                + ["-filter_complex", filters, "-c:v", "libx264", "-pix_fmt", "yuv420p", sequence])
        let probe = dir.appendingPathComponent("probe.jpg").path
        try frame(of: "\(video)/d12.mp4", at: 5, to: probe)
        let report = dir.appendingPathComponent("found.html").path
        let run = try cli.likeness("video", "find", "--probe", probe, sequence, "--report", report, "--json", "--quiet")
        #expect(run.status == 0, "\(run.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let videos = try #require(document["videos"] as? [[String: Any]])
        let appearances = try #require(videos.first?["appearances"] as? [[String: Any]])
        #expect(appearances.count == 1, "\(appearances.map { ($0["start"], $0["end"]) })")
        let first = try #require(appearances.first)
        let start = try #require(first["start"] as? Double)
        let end = try #require(first["end"] as? Double)
        #expect(abs(start - 3) <= 0.5 && abs(end - 6) <= 0.5, "found \(start)–\(end), expected 3–6")
        #expect(!(first["thumbnail"] as? String ?? "").isEmpty)
        let html = try String(contentsOfFile: report, encoding: .utf8)
        #expect(html.contains("data-time=") && html.contains("<video") && html.contains("data:image/jpeg;base64,"))
        #expect(try FileManager.default.attributesOfItem(atPath: report)[.posixPermissions] as? Int == 0o600)
        // The same person as an enrolled subject: the same range.
        let gallery = dir.appendingPathComponent("gallery").path
        let enrolled = try cli.likeness("enroll", "--data", gallery, "--subject", "carol", "--consent", "search", probe)
        #expect(enrolled.status == 0, "\(enrolled.stderr)")
        let bySubject = try cli.likeness(
            "video", "find", "--subject", "carol", "--data", gallery, sequence, "--json", "--quiet")
        #expect(bySubject.status == 0, "\(bySubject.stderr)")
        let subjectDocument = try #require(
            try JSONSerialization.jsonObject(with: Data(bySubject.stdout.utf8)) as? [String: Any])
        let subjectRanges =
            ((subjectDocument["videos"] as? [[String: Any]])?.first?["appearances"] as? [[String: Any]]) ?? []
        #expect(subjectRanges.count == 1, "\(subjectRanges.map { ($0["start"], $0["end"]) })")
        if let range = subjectRanges.first, let start = range["start"] as? Double, let end = range["end"] as? Double {
            #expect(abs(start - 3) <= 0.5 && abs(end - 6) <= 0.5, "found \(start)–\(end), expected 3–6")
        }
        // A stranger's probe finds nothing (exit 1).
        let stranger = try cli.likeness(
            "video", "find", "--probe", "\(Fixtures.lfwImages.path)/Abdullah_Gul/Abdullah_Gul_0013.jpg", sequence,
            "--quiet")
        #expect(stranger.status == 1, "\(stranger.stdout) \(stranger.stderr)")
    }

    @Test(
        "bad input: a clear code, and nothing left under the output's name or beside it",
        arguments: ["notvideo", "truncated", "unwritable", "missing"])
    func badInput(kind: String) throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        var input = dir.appendingPathComponent("input.mp4").path
        var output = dir.appendingPathComponent("out.mp4").path
        let code: String
        switch kind {
        case "notvideo":
            try Data("this is not a video\n".utf8).write(to: URL(fileURLWithPath: input))
            code = "video_unreadable"
        case "truncated":
            // Moov atom first (faststart), then 40% of the bytes: the header promises frames that are gone.
            let whole = dir.appendingPathComponent("whole.mp4").path
            try FFmpegTool.run(
                "ffmpeg",
                ["-v", "error", "-y", "-i", "\(video)/d12.mp4", "-c", "copy", "-movflags", "+faststart", whole])
            let bytes = try #require(FileManager.default.contents(atPath: whole))
            try bytes.prefix(bytes.count * 4 / 10).write(to: URL(fileURLWithPath: input))
            code = "video_truncated"
        case "unwritable":
            input = "\(video)/d0.mp4"
            output = dir.appendingPathComponent("no/such/dir/out.mp4").path
            code = "file_unwritable"
        default:
            input = dir.appendingPathComponent("absent.mp4").path
            code = "file_not_found"
        }
        let run = try cli.likeness("redact", input, output, "--quiet")
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr.contains("error: \(code):"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output))
        if kind == "notvideo" || kind == "truncated" || kind == "missing" {
            let probe = Fixtures.modelsDirectory.appendingPathComponent("samples/yaoming.jpg").path
            let find = try cli.likeness("video", "find", "--probe", probe, input, "--quiet")
            #expect(find.status == 2 && find.stderr.contains("error: \(code):"), "video find: \(find)")
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".partial") }
        #expect(left.isEmpty, "\(left)")
    }

    @Test("a video without faces is written, with exit status 1 and a warning")
    func noFaces() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("pattern.mp4").path
        try FFmpegTool.run(
            "ffmpeg",
            [
                "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=duration=2:size=320x240:rate=25", "-pix_fmt",
                "yuv420p", input,
            ])
        let output = dir.appendingPathComponent("out.webm").path
        let run = try cli.likeness("redact", input, output, "--quiet")
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains("no face was found"), "\(run.stderr)")
        #expect(try FFmpegTool.facts(output).frames == 50)
        #expect((try json(output + ".json")["faces"] as? [Any])?.isEmpty == true)
    }

    @Test("a photo: boxed faces are no longer found, even the crowd's; --json prints the sidecar")
    func redactPhoto() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("players.png").path
        let input = Fixtures.modelsDirectory.appendingPathComponent("samples/players.jpg").path
        let run = try cli.likeness("redact", input, output, "--json", "--style", "box")
        #expect(run.status == 0, "\(run.stderr)")
        let printed = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(printed["kind"] as? String == "image" && (printed["hidden"] as? Int ?? 0) >= 22, "\(printed)")
        let detect = try cli.likeness("detect", output, "--score-threshold", "0.3", "--detector-size", "640", "--json")
        let faces =
            (try JSONSerialization.jsonObject(with: Data(detect.stdout.utf8)) as? [String: Any])?["faces"] as? [Any]
        #expect(detect.status != 0 || faces?.isEmpty == true, "faces still found: \(detect.stdout)")
        let wrongExtension = try cli.likeness("redact", input, dir.appendingPathComponent("x.gif").path)
        #expect(wrongExtension.status == 2 && wrongExtension.stderr.contains("validation_failed"), "\(wrongExtension)")
    }
}
