import FaceKit
import Foundation

/// How `video find` samples and decides.
public struct AppearanceOptions: Sendable {
    /// Frames analysed per second of video.
    public var sampleRate: Double
    public var detection: DetectionOptions
    /// The similarity at which a face is the person.
    public var threshold: Double
    public var fmr: Double?
    /// Sightings closer than this many seconds are one appearance.
    public var mergeGap: Double
    /// An appearance needs this many sightings: one lone match is more often a stranger at the
    /// threshold's false-match rate than a real appearance.
    public var minimumSightings: Int

    public init(
        sampleRate: Double = 4, detection: DetectionOptions = DetectionOptions(inputSize: .fixed(320)),
        threshold: Double, fmr: Double?, mergeGap: Double = 2, minimumSightings: Int = 2
    ) {
        self.sampleRate = sampleRate
        self.detection = detection
        self.threshold = threshold
        self.fmr = fmr
        self.mergeGap = mergeGap
        self.minimumSightings = minimumSightings
    }

    public func validate() throws {
        guard sampleRate > 0, sampleRate <= 60 else {
            throw WorkflowError(.validationFailed, "sample rate must be in (0, 60]")
        }
        guard mergeGap >= 0, mergeGap <= 3600 else {
            throw WorkflowError(.validationFailed, "merge gap must be in 0...3600 s")
        }
        guard (1...1000).contains(minimumSightings) else {
            throw WorkflowError(.validationFailed, "minimum sightings must be in 1...1000")
        }
    }
}

extension FootageWorkflows {
    /// Faces compared per sampled frame, the largest first.
    static let facesPerFrame = 10

    /// Every appearance of the recognizer's person in one video.
    public func findAppearances(
        in path: String, recognizer: any SubjectRecognizer, options: AppearanceOptions,
        progress: @escaping @Sendable (FootageProgress) -> Void = { _ in }
    ) async throws -> AppearanceDocument.Video {
        try options.validate()
        let started = ContinuousClock.now
        let probe = try VideoProbe.probe(path)
        guard probe.width * probe.height <= ImageLimits.default.maxPixels else {
            throw WorkflowError(
                .payloadTooLarge, "\(path): frames of \(probe.width)x\(probe.height) exceed the pixel limit")
        }
        let reader = try Self.open(path)
        let interval = 1000 / options.sampleRate
        var nextSample = 0.0
        var decoded = 0
        var sampled = 0
        var withFaces = 0
        var lastTime = 0.0
        var appearances: [AppearanceDocument.Appearance] = []
        var current: (start: Double, end: Double, best: Double, bestAt: Double, sightings: Int, thumbnail: String)?
        let close = {
            (appearance: (start: Double, end: Double, best: Double, bestAt: Double, sightings: Int, thumbnail: String))
            in
            guard appearance.sightings >= options.minimumSightings else { return }
            appearances.append(
                AppearanceDocument.Appearance(
                    start: appearance.start, end: appearance.end, bestSimilarity: Rounding.score(appearance.best),
                    bestAt: appearance.bestAt, sightings: appearance.sightings, thumbnail: appearance.thumbnail))
        }
        while let (frame, ms) = try Self.nextFrame(of: reader, after: decoded, input: path) {
            decoded += 1
            lastTime = ms
            guard ms + 0.5 >= nextSample else { continue }
            nextSample = max(nextSample + interval, ms + interval / 2)
            sampled += 1
            let faces = Array(
                try await analyzer.detect(in: frame, options: options.detection).prefix(Self.facesPerFrame))
            if sampled % 8 == 0 {
                progress(
                    FootageProgress(
                        stage: "finding \(recognizer.subjects.first ?? "the person")", frame: decoded,
                        total: probe.declaredFrames,
                        framesPerSecond: Double(decoded) / max(1e-6, (ContinuousClock.now - started).seconds)))
            }
            guard !faces.isEmpty else { continue }
            withFaces += 1
            let vectors = try await analyzer.embed(faces, in: frame)
            var best = -1.0
            var bestFace = faces[0]
            for (face, vector) in zip(faces, vectors) {
                let similarity = try await recognizer.similarities(to: vector.vector).values.max() ?? -1
                if similarity > best {
                    best = similarity
                    bestFace = face
                }
            }
            guard best >= options.threshold else { continue }
            let seconds = ms / 1000
            let half = interval / 2000
            if var open = current, seconds - open.end <= options.mergeGap + half {
                open.end = seconds + half
                open.sightings += 1
                if best > open.best {
                    open.best = best
                    open.bestAt = Rounding.coordinate(seconds)
                    open.thumbnail = try Self.thumbnail(of: bestFace, in: frame)
                }
                current = open
            } else {
                if let open = current { close(open) }
                current = (
                    max(0, seconds - half), seconds + half, best, Rounding.coordinate(seconds), 1,
                    try Self.thumbnail(of: bestFace, in: frame)
                )
            }
        }
        guard decoded > 0 else { throw WorkflowError(.videoUnreadable, "\(path) has no decodable video frames") }
        if let declared = probe.declaredFrames, decoded < declared - max(2, declared / 100) {
            throw WorkflowError(
                .videoTruncated, "\(path) declares \(declared) frames but only \(decoded) could be decoded (cut off?)")
        }
        if let open = current { close(open) }
        let frameTime = probe.framesPerSecond > 0 ? 1 / probe.framesPerSecond : 0
        let duration = probe.duration ?? (lastTime / 1000 + frameTime)
        let clamped = appearances.map { appearance -> AppearanceDocument.Appearance in
            var copy = appearance
            copy.start = Rounding.coordinate(max(0, copy.start))
            copy.end = Rounding.coordinate(min(duration, copy.end))
            return copy
        }
        let wall = (ContinuousClock.now - started).seconds
        return AppearanceDocument.Video(
            path: path, duration: Rounding.coordinate(duration), width: probe.width, height: probe.height,
            framesSampled: sampled, framesWithFaces: withFaces, appearances: clamped,
            speed: Rounding.coordinate(duration / max(1e-6, wall)))
    }

    /// A small JPEG of the face with some context, base64.
    static func thumbnail(of face: DetectedFace, in frame: Image) throws -> String {
        let box = face.box.expanded(by: 0.3)
        let x = max(0, Int(box.minX))
        let y = max(0, Int(box.minY))
        let width = min(frame.width - x, Int(box.width.rounded()))
        let height = min(frame.height - y, Int(box.height.rounded()))
        guard width > 1, height > 1 else { return "" }
        let crop = try frame.cropped(x: x, y: y, width: width, height: height)
        let scale = 112 / Double(height)
        let small = try crop.resized(width: max(1, Int((Double(width) * scale).rounded())), height: 112)
        return Data(try small.encoded(as: .jpeg, quality: 80)).base64EncodedString()
    }
}
