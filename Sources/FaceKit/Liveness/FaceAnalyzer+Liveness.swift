import Foundation

extension FaceAnalyzer {
    /// Judges whether a recording shows a live person performing `challenge`.
    ///
    /// Samples about `thresholds.sampleRate` frames a second; on each, the largest face's 106
    /// landmarks give pose, eye and mouth openness. Checks: exactly one face throughout, the
    /// actions in order and in time, the same person throughout (templates against the reference
    /// at `identityThreshold`), no cut or jump, and the planar-spoof check (a photo or screen
    /// moves every landmark by one homography; a turning head does not).
    /// - Throws: `unsupported_format` (not WebM or MP4), `video_unreadable`, the budget's codes
    ///   (`video_too_long`, `video_too_many_frames`, `video_frame_too_large`,
    ///   `video_bad_timestamps`, `video_too_slow`: `LivenessLimits`), `no_face` (no face in any frame).
    public func analyzeLiveness(
        videoAt path: String, challenge: LivenessChallenge, identityThreshold: Double,
        thresholds: LivenessThresholds = LivenessThresholds(), limits: LivenessLimits = LivenessLimits(),
        window: ClosedRange<Double>? = nil
    ) async throws -> LivenessResult {
        let recording = try await sample(
            videoAt: path, thresholds: thresholds, limits: limits, window: window, embed: true)
        return try await decide(
            recording.observations, identity: recording.identity, best: recording.best, challenge: challenge,
            identityThreshold: identityThreshold, thresholds: thresholds, duration: recording.duration)
    }

    /// Every action the recording shows, each time it shows it, by the same rules and on the
    /// same samples as `analyzeLiveness` (so scripts that build test sets ask the analysis
    /// instead of restating its rules), with the neutral face they are measured from.
    /// - Throws: `unsupported_format` (not WebM or MP4), `video_unreadable`, the budget's codes
    ///   (`video_too_long`, `video_too_many_frames`, `video_frame_too_large`,
    ///   `video_bad_timestamps`, `video_too_slow`: `LivenessLimits`), `no_face` (no face in any frame).
    public func livenessEvents(
        videoAt path: String, thresholds: LivenessThresholds = LivenessThresholds(),
        limits: LivenessLimits = LivenessLimits(), window: ClosedRange<Double>? = nil
    ) async throws -> LivenessEventScan {
        // No templates: the events need landmarks only.
        let recording = try await sample(
            videoAt: path, thresholds: thresholds, limits: limits, window: window, embed: false)
        let decision = LivenessDecision(thresholds: thresholds)
        let samples = recording.observations.filter { !$0.intermediate }
        guard let base = decision.baseline(samples) else {
            throw FaceKitError(.noFace, "no frame had a face measured well enough to judge actions by")
        }
        return LivenessEventScan(
            baseline: LivenessBaseline(base),
            events: decision.events(in: samples, eyes: recording.observations, base: base),
            framesAnalysed: samples.count, framesWithoutFace: samples.filter { $0.face == nil }.count,
            durationMilliseconds: recording.duration.rounded())
    }

    /// A recording's samples on the fixed grid, the frames between them (eyes only), the
    /// templates taken twice a second when `embed`, and the reference frame.
    private func sample(
        videoAt path: String, thresholds: LivenessThresholds, limits: LivenessLimits, window: ClosedRange<Double>?,
        embed embedding: Bool
    ) async throws -> SampledRecording {
        // The time this recording held inference workers, summed over them. Not the time since
        // the upload: waiting in line for a worker costs nothing, and on a busy server it would
        // refuse genuine recordings for the load others cause.
        let allowance = Duration.milliseconds(Int64(limits.maxAnalysisSeconds * 1000))
        var workerTime = Duration.zero
        func checkDeadline() throws {
            guard workerTime <= allowance else {
                throw FaceKitError(
                    .videoTooSlow,
                    "the recording needed more than \(Int(limits.maxAnalysisSeconds)) s of inference to analyse")
            }
        }
        // Decoded on its own thread (never on the cooperative pool), from WebM or MP4 only.
        let source = VideoFrameSource(path: path, restrictedTo: [.webm, .mp4])
        defer { source.cancel() }
        var observations: [FrameObservation] = []
        var identity: [FaceEmbedding] = []
        var best: (image: Image, rank: Double)?
        var nextSample = 0.0
        // Each sampled frame, with the frames between it and the next sample: those get landmarks
        // only (in the sample's face box), for the eyes, since a blink can be shorter than a sample.
        var batch: [(Image, Double, [(Image, Double)])] = []
        var sampled = 0

        func flush() async throws {
            let frames = batch
            batch = []
            let results = try await withThrowingTaskGroup(of: (Int, FrameObservation, FaceEmbedding?, Duration).self) {
                group in
                for (offset, (image, ms, between)) in frames.enumerated() {
                    let embed = embedding && (sampled + offset) % max(1, Int(thresholds.sampleRate / 2)) == 0
                    group.addTask {
                        let (observation, embedding, spent) = try await self.observe(
                            image, at: ms, between: between, embed: embed, otherFaceRatio: thresholds.otherFaceRatio)
                        return (offset, observation, embedding, spent)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }.sorted { $0.0 < $1.0 }
            }
            workerTime += results.reduce(Duration.zero) { $0 + $1.3 }
            for (offset, observation, embedding, _) in results {
                observations.append(observation)
                observations += observation.between
                if let embedding { identity.append(embedding) }
                // The reference: the largest, surest near-frontal face with open eyes.
                if let face = observation.face, let pose = observation.pose, abs(pose.yaw) < 12, abs(pose.pitch) < 12,
                    (observation.eyeOpenness ?? 0) >= 0.15
                {
                    let rank = face.box.area * face.score
                    if rank > (best?.rank ?? 0) { best = (frames[offset].0, rank) }
                }
            }
            sampled += frames.count
        }

        var timeline = FrameTimeline(limits: limits)
        let period = 1000 / thresholds.sampleRate
        // Frames between samples are kept at most this close together (evenly spread).
        let betweenSpacing = period / Double(limits.maxFramesBetweenSamples + 1) * 0.9
        var origin: Double?
        var lastMilliseconds = 0.0
        do {
            for try await event in source.events {
                let frame: Image
                let clipMilliseconds: Double
                switch event {
                case .opened(let width, let height, _, _):
                    // The header's size is checked first, before any frame is decoded.
                    try Self.checkFrame(width: width, height: height, limits: limits)
                    source.request(Self.decodeAhead)
                    continue
                case .frame(let image, let milliseconds):
                    source.request()
                    frame = image
                    clipMilliseconds = milliseconds
                }
                // The frame budget counts from the window's start: an excerpt (CLI only) of a
                // long clip is as costly to analyse as a short clip.
                if window.map({ clipMilliseconds >= $0.lowerBound }) ?? true { try timeline.count() }
                try Self.checkFrame(width: frame.width, height: frame.height, limits: limits)
                try checkDeadline()
                // A frame stamped no later than the last is skipped (see `FrameTimeline`).
                guard try timeline.advances(clipMilliseconds) else { continue }
                // With a window (an excerpt of a longer clip), time counts from its start;
                // without, from the first frame.
                if let window {
                    if clipMilliseconds < window.lowerBound { continue }
                    if clipMilliseconds > window.upperBound { break }
                }
                if origin == nil { origin = clipMilliseconds }
                let ms = clipMilliseconds - (window?.lowerBound ?? origin ?? 0)
                guard ms <= limits.maxSeconds * 1000 + 500 else {
                    throw FaceKitError(.videoTooLong, "the recording is longer than \(Int(limits.maxSeconds)) s")
                }
                lastMilliseconds = ms
                guard ms + 0.5 >= nextSample else {
                    // Between samples: kept for the eyes, up to the limit, evenly spread.
                    if !batch.isEmpty {
                        let last = batch[batch.count - 1]
                        if last.2.count < limits.maxFramesBetweenSamples,
                            ms - (last.2.last?.1 ?? last.1) >= betweenSpacing
                        {
                            batch[batch.count - 1].2.append((frame, ms))
                        }
                    }
                    continue
                }
                // A fixed grid, not "one period after the last sample", which drifts to every
                // third frame of a 30 fps source and misses short blinks.
                nextSample = max(nextSample + period, ms + period / 2)
                batch.append((frame, ms, []))
                if batch.count >= workerCount * 2 {
                    try await flush()
                    try checkDeadline()
                }
            }
        } catch let error as FaceKitError where error.code == .imageUnreadable {
            throw FaceKitError(.videoUnreadable, "the video could not be opened or decoded (WebM VP8/VP9 or MP4/H.264)")
        }
        try timeline.finish()
        try await flush()
        // A file that opens but yields no frame (a broken or unsupported stream) was not read:
        // that is an unreadable video, not a recording without a face.
        guard sampled > 0 else {
            throw FaceKitError(.videoUnreadable, "no video frame could be decoded")
        }
        guard observations.contains(where: { $0.face != nil }) else {
            throw FaceKitError(.noFace, "no face was found in the recording")
        }
        try checkDeadline()
        // From the first frame analysed to the end of the last: its time plus one frame, and the
        // frames OpenCV stamped at 0 ms after it (skipped, but part of the recording). Not 0 when
        // the timestamps are missing: those recordings are refused above.
        let first = observations.first?.milliseconds ?? 0
        let tail = Double(1 + timeline.trailingStale) * timeline.meanInterval
        return SampledRecording(
            observations: observations, identity: identity, best: best?.image,
            duration: lastMilliseconds - min(first, lastMilliseconds) + tail)
    }

    /// Decoded frames that may wait for the analysis (see `LivenessLimits` for the memory bound).
    static let decodeAhead = 4

    /// Refuses a frame (or a header) over `limits.maxFramePixels`.
    private static func checkFrame(width: Int, height: Int, limits: LivenessLimits) throws {
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= limits.maxFramePixels else {
            throw FaceKitError(
                .videoFrameTooLarge,
                "video frames of \(width)x\(height) are over the limit of \(limits.maxFramePixels) pixels")
        }
    }

    /// One sampled frame: faces, the main face's landmarks, and its template when asked.
    private func observe(
        _ image: Image, at ms: Double, between: [(Image, Double)], embed: Bool, otherFaceRatio: Double
    ) async throws -> (FrameObservation, FaceEmbedding?, Duration) {
        try await pool.run { networks in
            let started = ContinuousClock.now
            let faces = try FaceDetector.detect(in: image, options: .default, networks: &networks)
            guard let main = faces.max(by: { $0.box.area < $1.box.area }) else {
                return (FrameObservation(milliseconds: ms, faceCount: 0), nil, ContinuousClock.now - started)
            }
            let counted = faces.filter { $0.box.area >= main.box.area * otherFaceRatio }.count
            let landmarks = try FaceLandmarker.landmarks(for: [main], in: image, networks: &networks)[0]
            var embedding: FaceEmbedding?
            if embed {
                var timings = StageTimings()
                embedding = try FaceEmbedder.embed(
                    [main], in: image, options: .default, networks: &networks, timings: &timings)[0]
            }
            var observation = FrameObservation(milliseconds: ms, faceCount: counted, face: main, landmarks: landmarks)
            for (frame, time) in between {
                let marks = try FaceLandmarker.landmarks(for: [main], in: frame, networks: &networks)[0]
                var extra = FrameObservation(milliseconds: time, faceCount: counted, face: main, landmarks: marks)
                extra.intermediate = true
                observation.between.append(extra)
            }
            return (observation, embedding, ContinuousClock.now - started)
        }
    }

    private func decide(
        _ frames: [FrameObservation], identity: [FaceEmbedding], best: Image?, challenge: LivenessChallenge,
        identityThreshold: Double, thresholds: LivenessThresholds, duration: Double
    ) async throws -> LivenessResult {
        let decision = LivenessDecision(thresholds: thresholds)
        let every = frames
        let frames = frames.filter { !$0.intermediate }
        var checks: [LivenessCheck] = []
        let multiple = frames.filter { $0.faceCount > 1 }.count
        checks.append(LivenessCheck(name: .oneFace, passed: multiple == 0, value: Double(multiple), threshold: 0))
        let lost = decision.longestLoss(frames)
        checks.append(
            LivenessCheck(
                name: .facePresent, passed: lost <= thresholds.maxLostFrames, value: Double(lost),
                threshold: Double(thresholds.maxLostFrames)))
        var outcomes = challenge.actions.map { ActionOutcome(action: $0, found: false) }
        if let base = decision.baseline(frames) {
            outcomes = decision.actions(challenge, in: frames, eyes: every, base: base)
        }
        let found = outcomes.filter(\.found).count
        checks.append(
            LivenessCheck(
                name: .actions, passed: found == challenge.actions.count, value: Double(found),
                threshold: Double(challenge.actions.count)))
        let planar = decision.planarResidual(frames)
        checks.append(
            LivenessCheck(
                name: .notPlanar, passed: (planar ?? 0) >= thresholds.planarResidual,
                value: ((planar ?? 0) * 10_000).rounded() / 10_000, threshold: thresholds.planarResidual))
        let jump = decision.largestJump(frames)
        checks.append(
            LivenessCheck(
                name: .continuity,
                passed: jump.move <= thresholds.maxJumpWidths && jump.scale <= thresholds.maxScaleJump,
                value: (max(jump.move / thresholds.maxJumpWidths, jump.scale / thresholds.maxScaleJump) * 1000)
                    .rounded()
                    / 1000, threshold: 1))
        var reference: FaceAnalysis?
        if let best {
            reference = try? await analyze(best, quality: .selfie)
        }
        let similarities = reference.map { ref in identity.map { ref.embedding.similarity(to: $0) } } ?? []
        let weakest = similarities.min() ?? -1
        checks.append(
            LivenessCheck(
                name: .samePerson, passed: reference != nil && weakest >= identityThreshold,
                value: (weakest * 10_000).rounded() / 10_000, threshold: (identityThreshold * 10_000).rounded() / 10_000
            ))
        let live = checks.allSatisfy(\.passed)
        return LivenessResult(
            live: live, score: LivenessDecision.score(checks), checks: checks, actions: outcomes, reference: reference,
            referenceImage: best, framesAnalysed: frames.count, durationMilliseconds: duration.rounded())
    }
}

/// What `sample` read from a recording.
private struct SampledRecording {
    /// Samples and the frames between them, in time order.
    var observations: [FrameObservation]
    var identity: [FaceEmbedding]
    var best: Image?
    var duration: Double
}

extension LivenessDecision {
    /// The weakest check's margin mapped to 0…1: 0.5 at its threshold, towards 1 as it clears it
    /// by its own size, towards 0 as it misses.
    static func score(_ checks: [LivenessCheck]) -> Double {
        let margins = checks.map { check -> Double in
            guard check.name.isGraded else { return check.passed ? 1 : 0 }
            let span = max(abs(check.threshold), 0.01)
            return 0.5 + 0.5 * max(-1, min(1, (check.value - check.threshold) / span))
        }
        return ((margins.min() ?? 0) * 1000).rounded() / 1000
    }
}
