/// The liveness decision over a session's observations: actions in order, one face throughout,
/// continuity, and the planar-spoof check. Pure, so tests can feed it synthetic frames.
struct LivenessDecision {
    let thresholds: LivenessThresholds

    struct Baseline {
        var yaw: Double
        var pitch: Double
        var eye: Double
        var mouth: Double
        /// From the steady opening (else from the whole recording).
        var fromOpening = true
    }

    /// The neutral face. A session starts with the person at rest facing the camera (the
    /// capture page asks for it before the first prompt), so it is the median of the first
    /// `baselineMilliseconds` when the head is steady there. A recording that starts
    /// mid-movement has no such moment; then it is the median over every sample, since a person
    /// following the prompts faces the camera most of the time.
    func baseline(_ frames: [FrameObservation]) -> Baseline? {
        let measured = frames.filter(\.isMeasured)
        guard let start = measured.first?.milliseconds else { return nil }
        let opening = measured.filter { $0.milliseconds - start <= thresholds.baselineMilliseconds }
        let yaws = opening.compactMap { $0.pose?.yaw }
        let pitches = opening.compactMap { $0.pose?.pitch }
        let spread = { (values: [Double]) in (values.max() ?? 0) - (values.min() ?? 0) }
        let steady =
            yaws.count >= 3 && spread(yaws) <= thresholds.steadyDegrees && spread(pitches) <= thresholds.steadyDegrees
        let window = steady ? opening : measured
        func median(_ values: [Double]) -> Double {
            let sorted = values.sorted()
            return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
        }
        return Baseline(
            yaw: median(window.compactMap { $0.pose?.yaw }), pitch: median(window.compactMap { $0.pose?.pitch }),
            eye: median(window.compactMap(\.eyeOpenness)), mouth: median(window.compactMap(\.mouthOpenness)),
            fromOpening: steady)
    }

    /// Whether `frame` shows the held part of a pose or mouth action.
    func holds(_ action: LivenessAction, _ frame: FrameObservation, _ base: Baseline) -> Bool {
        guard let pose = frame.pose, let mouth = frame.mouthOpenness else { return false }
        switch action {
        case .turnLeft: return (pose.yaw - base.yaw) * LivenessDecision.yawSignOfLeft >= thresholds.turnDegrees
        case .turnRight: return (pose.yaw - base.yaw) * -LivenessDecision.yawSignOfLeft >= thresholds.turnDegrees
        case .lookUp:
            return mouth < thresholds.lookUpMaxMouth
                && (pose.pitch - base.pitch) * LivenessDecision.pitchSignOfUp >= thresholds.lookUpDegrees
        case .openMouth:
            return mouth
                >= max(thresholds.mouthOpen, min(base.mouth, thresholds.mouthBaselineCap) + thresholds.mouthRise)
        case .blink: return false
        }
    }

    /// The sign of a yaw change when the person turns to their own left, in an unmirrored
    /// recording (checked on frames of the shared clips: positive yaw, nose towards image right).
    static let yawSignOfLeft = 1.0
    /// The sign of a pitch change when the person looks up (chin raised: positive pitch).
    static let pitchSignOfUp = 1.0

    /// The first occurrence of `action` in `frames[from...]` starting before `deadline`:
    /// (index where it ended, peak time), or nil.
    func find(_ action: LivenessAction, in frames: [FrameObservation], from: Int, deadline: Double, base: Baseline)
        -> (end: Int, peak: Double)?
    {
        var index = from
        while index < frames.count, frames[index].milliseconds <= deadline {
            if action == .blink {
                let closed = { (frame: FrameObservation) in
                    (frame.eyeOpenness ?? .infinity) <= base.eye * self.thresholds.blinkClosedRatio
                }
                // Only where the eyes start to close: the end of a long closure is not a blink.
                if closed(frames[index]), index == 0 || !closed(frames[index - 1]) {
                    // Closed: it is a blink if the eyes reopen soon enough.
                    var reopen = index + 1
                    while reopen < frames.count,
                        frames[reopen].milliseconds - frames[index].milliseconds <= thresholds.blinkMaxMilliseconds
                    {
                        if let open = frames[reopen].eyeOpenness, open >= base.eye * thresholds.blinkOpenRatio {
                            return (reopen, frames[index].milliseconds)
                        }
                        reopen += 1
                    }
                }
                index += 1
                continue
            }
            var run = 0
            while index + run < frames.count, holds(action, frames[index + run], base) { run += 1 }
            if run >= (action == .openMouth ? thresholds.mouthHoldFrames : thresholds.holdFrames) {
                return (index + run - 1, frames[index + run / 2].milliseconds)
            }
            index += max(1, run)
        }
        return nil
    }

    /// Finds the challenge's actions in order; a later head movement or wide-open mouth done
    /// before its turn ends the search (a replayed clip in the wrong order). Blinks happen on
    /// their own every few seconds, so they do not count as early (`isOrderChecked`).
    func actions(
        _ challenge: LivenessChallenge, in frames: [FrameObservation], eyes: [FrameObservation]? = nil, base: Baseline
    ) -> [ActionOutcome] {
        var outcomes: [ActionOutcome] = []
        var cursor = 0
        var clock = frames.first.map { $0.milliseconds + thresholds.baselineMilliseconds } ?? 0
        for (position, action) in challenge.actions.enumerated() {
            let deadline = clock + thresholds.actionMilliseconds
            guard let found = locate(action, in: frames, eyes: eyes, from: cursor, deadline: deadline, base: base)
            else {
                outcomes += challenge.actions[position...].map { ActionOutcome(action: $0, found: false) }
                return outcomes
            }
            let early = challenge.actions[(position + 1)...].filter(\.isOrderChecked).contains { later in
                find(later, in: frames, from: cursor, deadline: found.peak, base: base) != nil
            }
            if early {
                outcomes += challenge.actions[position...].map { ActionOutcome(action: $0, found: false) }
                return outcomes
            }
            outcomes.append(ActionOutcome(action: action, found: true, atMilliseconds: found.peak.rounded()))
            cursor = found.end + 1
            clock = frames[found.end].milliseconds
        }
        return outcomes
    }

    /// Like `find`, but a blink is looked for in `eyes` (every frame, samples and those between)
    /// when given; the end is mapped back to the last sample at or before it.
    func locate(
        _ action: LivenessAction, in frames: [FrameObservation], eyes: [FrameObservation]?, from cursor: Int,
        deadline: Double, base: Baseline
    ) -> (end: Int, peak: Double)? {
        guard action == .blink, let eyes else {
            return find(action, in: frames, from: cursor, deadline: deadline, base: base)
        }
        let start = cursor < frames.count ? frames[cursor].milliseconds : .infinity
        let from = eyes.firstIndex { $0.milliseconds >= start } ?? eyes.count
        guard let hit = find(.blink, in: eyes, from: from, deadline: deadline, base: base) else { return nil }
        let endTime = eyes[hit.end].milliseconds
        return (max(cursor, frames.lastIndex { $0.milliseconds <= endTime } ?? cursor), hit.peak)
    }

    /// The largest landmark residual after the best homography among pairs of frames whose pose
    /// differs enough, in eye distances; nil when no pair differs enough.
    func planarResidual(_ frames: [FrameObservation]) -> Double? {
        let marked = frames.filter { $0.landmarks != nil && $0.face != nil }
        guard marked.count >= 2 else { return nil }
        // Compare each frame with the most frontal one: the widest pose differences it offers.
        let anchor = marked.min { abs($0.pose!.yaw) + abs($0.pose!.pitch) < abs($1.pose!.yaw) + abs($1.pose!.pitch) }!
        var residuals: [Double] = []
        for frame in marked {
            let dy = abs(frame.pose!.yaw - anchor.pose!.yaw)
            let dp = abs(frame.pose!.pitch - anchor.pose!.pitch)
            guard max(dy, dp) >= thresholds.planarPoseDegrees,
                let residual = Homography.residual(from: anchor.landmarks!.points, to: frame.landmarks!.points)
            else { continue }
            residuals.append(residual / max(frame.face!.interEyeDistance, 1))
        }
        guard !residuals.isEmpty else { return nil }
        // The 80th percentile: robust to one frame of bad landmarks, yet needs real 3D motion.
        let sorted = residuals.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.8))]
    }

    /// The largest jump of the face between consecutive samples: (centre in face widths, scale).
    func largestJump(_ frames: [FrameObservation]) -> (move: Double, scale: Double) {
        var move = 0.0
        var scale = 1.0
        var previous: DetectedFace?
        for frame in frames {
            guard let face = frame.face else {
                previous = nil
                continue
            }
            if let previous {
                let width = max(previous.box.width, 1)
                let dx = face.box.center.x - previous.box.center.x
                let dy = face.box.center.y - previous.box.center.y
                move = max(move, (dx * dx + dy * dy).squareRoot() / width)
                let ratio = face.box.width / width
                scale = max(scale, max(ratio, 1 / max(ratio, 1e-9)))
            }
            previous = face
        }
        return (move, scale)
    }

    /// The longest run of samples without a face.
    func longestLoss(_ frames: [FrameObservation]) -> Int {
        var longest = 0
        var run = 0
        for frame in frames {
            run = frame.face == nil ? run + 1 : 0
            longest = max(longest, run)
        }
        return longest
    }
}
