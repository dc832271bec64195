extension LivenessDecision {
    /// Every occurrence of every action in the recording: the held runs of `holds` for head
    /// movements and the mouth, the close-and-reopen of `find` for blinks (on `eyes`, every
    /// frame, when given). The same predicates as the challenge search, so a script that asks
    /// for these sees what the analysis sees.
    func events(in frames: [FrameObservation], eyes: [FrameObservation]? = nil, base: Baseline) -> [LivenessEvent] {
        var found: [LivenessEvent] = []
        for action in LivenessAction.allCases where action != .blink {
            found += runs(of: action, in: frames, base: base)
        }
        found += blinks(in: eyes ?? frames, base: base)
        return found.sorted { ($0.startMilliseconds, $0.action.rawValue) < ($1.startMilliseconds, $1.action.rawValue) }
    }

    /// How far `frame` goes in `action`'s direction (see `LivenessEvent.value`).
    private func extent(_ action: LivenessAction, _ frame: FrameObservation, _ base: Baseline) -> Double {
        switch action {
        case .turnLeft: ((frame.pose?.yaw ?? base.yaw) - base.yaw) * LivenessDecision.yawSignOfLeft
        case .turnRight: ((frame.pose?.yaw ?? base.yaw) - base.yaw) * -LivenessDecision.yawSignOfLeft
        case .lookUp: ((frame.pose?.pitch ?? base.pitch) - base.pitch) * LivenessDecision.pitchSignOfUp
        case .openMouth: frame.mouthOpenness ?? 0
        case .blink: (frame.eyeOpenness ?? base.eye) / max(base.eye, 1e-9)
        }
    }

    /// Maximal runs of samples that hold a pose or mouth action, long enough to count.
    private func runs(of action: LivenessAction, in frames: [FrameObservation], base: Baseline) -> [LivenessEvent] {
        let needed = action == .openMouth ? thresholds.mouthHoldFrames : thresholds.holdFrames
        var found: [LivenessEvent] = []
        var index = 0
        while index < frames.count {
            var run = 0
            while index + run < frames.count, holds(action, frames[index + run], base) { run += 1 }
            if run >= needed {
                let held = frames[index..<(index + run)]
                let peak = held.max { extent(action, $0, base) < extent(action, $1, base) }!
                found.append(
                    LivenessEvent(
                        action: action, startMilliseconds: held.first!.milliseconds,
                        peakMilliseconds: peak.milliseconds, endMilliseconds: held.last!.milliseconds,
                        value: extent(action, peak, base), frames: run, cutOff: index + run == frames.count))
            }
            index += max(1, run)
        }
        return found
    }

    /// Every blink: the eyes start to close, fall to `blinkClosedRatio` of the neutral and are
    /// back at `blinkOpenRatio` within `blinkMaxMilliseconds`.
    private func blinks(in frames: [FrameObservation], base: Baseline) -> [LivenessEvent] {
        let closed = { (frame: FrameObservation) in
            (frame.eyeOpenness ?? .infinity) <= base.eye * self.thresholds.blinkClosedRatio
        }
        var found: [LivenessEvent] = []
        var index = 0
        while index < frames.count {
            guard closed(frames[index]), index == 0 || !closed(frames[index - 1]) else {
                index += 1
                continue
            }
            var reopen = index + 1
            var hit: Int?
            while reopen < frames.count,
                frames[reopen].milliseconds - frames[index].milliseconds <= thresholds.blinkMaxMilliseconds
            {
                if let open = frames[reopen].eyeOpenness, open >= base.eye * thresholds.blinkOpenRatio {
                    hit = reopen
                    break
                }
                reopen += 1
            }
            guard let hit else {
                index += 1
                continue
            }
            let shut = frames[index..<hit]
            let peak = shut.min { extent(.blink, $0, base) < extent(.blink, $1, base) }!
            found.append(
                LivenessEvent(
                    action: .blink, startMilliseconds: frames[index].milliseconds, peakMilliseconds: peak.milliseconds,
                    endMilliseconds: frames[hit].milliseconds, value: extent(.blink, peak, base), frames: hit - index,
                    cutOff: hit == frames.count - 1))
            index = hit
        }
        return found
    }
}
