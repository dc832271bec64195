import FaceKit
import Foundation

/// How far a long job has got, for a progress bar.
public struct FootageProgress: Sendable {
    /// `finding faces` or `writing`.
    public var stage: String
    public var frame: Int
    /// Frames the container declares, when it does.
    public var total: Int?
    /// Frames per second of this stage so far.
    public var framesPerSecond: Double
}

extension FootageWorkflows {
    /// Frames decoded ahead and detected at once, so every inference worker has work.
    static var detectionWindow: Int { max(2, 2 * ProcessInfo.processInfo.activeProcessorCount) }

    /// Writes a copy of the video at `input` to `output` with the faces the target names hidden.
    ///
    /// Two passes over the input: the first detects (on every `every`-th frame), follows and
    /// recognises the faces; the second hides each hidden track in every frame it reaches, so a
    /// track decided at its end is hidden from its start. The copy keeps the input's frame
    /// count, rate, size and audio. It is written under a temporary name beside `output` and
    /// renamed only when complete: a failure leaves nothing under the final name.
    public func redactVideo(
        at input: String, to output: String, options: RedactionOptions, recognizer: (any SubjectRecognizer)? = nil,
        withoutConsent: [String] = [], purpose: String? = nil,
        progress: @escaping @Sendable (FootageProgress) -> Void = { _ in }
    ) async throws -> RedactionDocument {
        try options.validate()
        let started = ContinuousClock.now
        let probe = try VideoProbe.probe(input)
        guard probe.width * probe.height <= ImageLimits.default.maxPixels else {
            throw WorkflowError(
                .payloadTooLarge, "\(input): frames of \(probe.width)x\(probe.height) exceed the pixel limit")
        }
        let partial = try Self.reservePartial(for: output)
        var encoder: VideoEncoder?
        do {
            var tracker = FaceTracker(patience: max(1, options.reach / options.every))
            let frames = try await findFaces(
                in: input, probe: probe, options: options, tracker: &tracker, progress: progress)
            var verdicts: [RedactionJudgement] = []
            for track in tracker.tracks {
                verdicts.append(
                    try await RedactionJudgement.judge(
                        templates: track.templates, target: options.target, recognizer: recognizer,
                        threshold: options.threshold))
            }
            let reach = options.reach + options.every - 1
            let hidden = tracker.tracks.indices.filter { verdicts[$0].hides }
            let writer = try VideoEncoder(destination: partial, like: probe, audioFrom: input)
            encoder = writer
            let reader = try Self.open(input)
            let writing = ContinuousClock.now
            var written = 0
            var framesWithHiddenFaces = 0
            while let (frame, _) = try Self.nextFrame(of: reader, after: written, input: input) {
                guard written < frames else { break }
                let regions = hidden.compactMap { tracker.tracks[$0].region(atFrame: written, reach: reach) }
                    .map { $0.expanded(by: options.margin) }
                if !regions.isEmpty { framesWithHiddenFaces += 1 }
                try writer.write(
                    regions.isEmpty ? frame : try frame.redacted(regions, style: options.style, cells: options.cells))
                written += 1
                if written % 10 == 0 || written == frames {
                    progress(
                        FootageProgress(
                            stage: "writing", frame: written, total: frames,
                            framesPerSecond: Double(written) / max(1e-6, (ContinuousClock.now - writing).seconds)))
                }
            }
            guard written == frames else {
                throw WorkflowError(
                    .videoUnreadable, "\(input): the second reading gave \(written) frames, the first \(frames)")
            }
            try writer.finish()
            encoder = nil
            guard Foundation.rename(partial, output) == 0 else {
                throw WorkflowError(.fileUnwritable, "\(output) could not be written (errno \(errno))")
            }
            let seconds = (ContinuousClock.now - started).seconds
            let faces = tracker.tracks.indices.map { index in
                Self.describe(
                    tracker.tracks[index], verdicts[index], reach: reach, margin: options.margin, frames: frames,
                    probe: probe)
            }
            return RedactionDocument(
                kind: "video", style: options.style.rawValue, margin: options.margin,
                target: Self.describe(options, purpose: purpose, withoutConsent: withoutConsent),
                detector: Self.describe(options.detection, every: options.every), width: probe.width,
                height: probe.height, frames: frames, frameRate: probe.frameRate, audio: probe.hasAudio,
                framesWithHiddenFaces: framesWithHiddenFaces, hidden: hidden.count,
                kept: tracker.tracks.count - hidden.count, faces: faces, seconds: (seconds * 100).rounded() / 100,
                framesPerSecond: (Double(frames) / max(1e-6, seconds) * 10).rounded() / 10)
        } catch {
            encoder?.cancel()
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
    }

    /// The first pass: detection, tracking and a few templates per track. Returns the frame count.
    private func findFaces(
        in input: String, probe: VideoProbe, options: RedactionOptions, tracker: inout FaceTracker,
        progress: @Sendable (FootageProgress) -> Void
    ) async throws -> Int {
        let reader = try Self.open(input)
        let analyzer = self.analyzer
        let detection = options.detection
        let recognising = options.target != .everyone
        let started = ContinuousClock.now
        var decoded = 0
        var finished = false
        while !finished {
            var batch: [(index: Int, frame: Image)] = []
            while batch.count < Self.detectionWindow {
                guard let (frame, _) = try Self.nextFrame(of: reader, after: decoded, input: input) else {
                    finished = true
                    break
                }
                if decoded % options.every == 0 { batch.append((decoded, frame)) }
                decoded += 1
            }
            let found = try await withThrowingTaskGroup(of: (Int, [DetectedFace]).self) { group in
                for (position, item) in batch.enumerated() {
                    group.addTask { (position, try await analyzer.detect(in: item.frame, options: detection)) }
                }
                var result = [[DetectedFace]](repeating: [], count: batch.count)
                for try await (position, faces) in group { result[position] = faces }
                return result
            }
            for (position, item) in batch.enumerated() {
                let faces = found[position]
                let tracks = tracker.update(frame: item.index, faces: faces)
                guard recognising else { continue }
                // A few templates per track, spread over its sightings, from faces big enough to compare.
                let wanted = faces.indices.filter { index in
                    let track = tracks[index]
                    return tracker.templateCount(ofTrack: track) < options.templatesPerTrack
                        && (tracker.sightingCount(ofTrack: track) - 1) % 5 == 0
                        && min(faces[index].box.width, faces[index].box.height) >= Self.smallestComparableFace
                }
                guard !wanted.isEmpty else { continue }
                let vectors = try await analyzer.embed(wanted.map { faces[$0] }, in: item.frame)
                for (k, index) in wanted.enumerated() { tracker.addTemplate(vectors[k].vector, toTrack: tracks[index]) }
            }
            progress(
                FootageProgress(
                    stage: "finding faces", frame: decoded, total: probe.declaredFrames,
                    framesPerSecond: Double(decoded) / max(1e-6, (ContinuousClock.now - started).seconds)))
        }
        guard decoded > 0 else { throw WorkflowError(.videoUnreadable, "\(input) has no decodable video frames") }
        if let declared = probe.declaredFrames, decoded < declared - max(2, declared / 100) {
            throw WorkflowError(
                .videoTruncated, "\(input) declares \(declared) frames but only \(decoded) could be decoded (cut off?)")
        }
        return decoded
    }

    static func open(_ input: String) throws -> VideoReader {
        do {
            return try VideoReader(path: input)
        } catch {
            throw WorkflowError(.videoUnreadable, "\(input) could not be opened for decoding")
        }
    }

    /// The next frame; a decoding failure after some frames is a cut-off file.
    static func nextFrame(of reader: VideoReader, after count: Int, input: String) throws -> (Image, Double)? {
        do {
            return try reader.next()
        } catch {
            throw WorkflowError(
                count > 0 ? .videoTruncated : .videoUnreadable, "\(input): frame \(count + 1) could not be decoded")
        }
    }

    /// Creates an empty, private file beside `output` for the copy in progress; `file_unwritable`
    /// when the directory does not take it.
    static func reservePartial(for output: String) throws -> String {
        let url = URL(fileURLWithPath: output)
        let directory = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw WorkflowError(.fileUnwritable, "\(directory) is not a directory")
        }
        let partial = (directory as NSString).appendingPathComponent(
            ".\(url.lastPathComponent).\(UUID().uuidString.prefix(8)).partial")
        let descriptor = Foundation.open(partial, O_CREAT | O_EXCL | O_WRONLY, 0o600)
        guard descriptor >= 0 else { throw WorkflowError(.fileUnwritable, "\(output) cannot be written here") }
        close(descriptor)
        return partial
    }

    static func describe(
        _ track: FaceTrack, _ verdict: RedactionJudgement, reach: Int, margin: Double, frames: Int, probe: VideoProbe
    ) -> RedactionDocument.Face {
        let fps = probe.framesPerSecond > 0 ? probe.framesPerSecond : 25
        let chunk = max(1, Int(fps.rounded()))
        var spans: [RedactionDocument.Span] = []
        var frame = max(0, track.firstFrame - reach)
        let last = min(frames - 1, track.lastFrame + reach)
        while frame <= last {
            let end = min(last, frame + chunk - 1)
            var union: BoundingBox?
            for f in frame...end {
                guard let box = track.region(atFrame: f, reach: reach)?.expanded(by: margin) else { continue }
                union =
                    union.map {
                        BoundingBox(
                            minX: min($0.minX, box.minX), minY: min($0.minY, box.minY), maxX: max($0.maxX, box.maxX),
                            maxY: max($0.maxY, box.maxY))
                    } ?? box
            }
            if let union {
                let clipped = [
                    max(0, union.minX), max(0, union.minY), min(Double(probe.width), union.maxX),
                    min(Double(probe.height), union.maxY),
                ].map(Rounding.coordinate)
                spans.append(
                    RedactionDocument.Span(
                        fromFrame: frame, toFrame: end, start: Rounding.coordinate(Double(frame) / fps),
                        end: Rounding.coordinate(Double(end + 1) / fps), box: clipped))
            }
            frame = end + 1
        }
        return RedactionDocument.Face(
            track: track.id, action: verdict.action, reason: verdict.reason, subject: verdict.subject,
            similarity: verdict.similarity.map(Rounding.score), box: nil,
            score: Rounding.score(track.sightings.map(\.score).max() ?? 0), sightings: track.sightings.count,
            spans: spans)
    }
}

extension Duration {
    /// The duration in seconds, as a `Double` for reports and speeds.
    package var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
