/// The timestamps of a liveness recording, held to `LivenessLimits` as the frames arrive: the
/// frame budget, time that advances, and a plausible frame rate.
///
/// Sampling goes by timestamps, so a file whose frames all claim 0 ms (no timestamps, or a
/// forged constant) or a few microseconds apart would pile every frame into one sample. Such
/// frames are refused rather than renumbered: a genuine camera recording always has them.
struct FrameTimeline {
    let limits: LivenessLimits
    /// Frames decoded, and those whose time advanced (the ones analysed).
    private(set) var decoded = 0
    private(set) var advancing = 0
    private var first: Double?
    private var last = -Double.infinity
    /// Frames stamped no later than the frame before, in the current run and followed by a
    /// frame that advanced again (mid-stream, not trailing).
    private var staleRun = 0
    private var staleMidStream = 0
    private var staleTotal = 0

    /// The longest run of frames that do not advance tolerated at a time. OpenCV stamps the
    /// frames a multithreaded decoder drains at the end of some MP4s at 0 ms (2 on two cores,
    /// one per frame thread and B-frame of delay; FFmpeg uses at most 16 threads), so a run
    /// that long is the end of the file, not an attack.
    static let longestStaleRun = 32

    init(limits: LivenessLimits) { self.limits = limits }

    /// One more frame decoded; throws `video_too_many_frames` past the budget.
    mutating func count() throws {
        decoded += 1
        guard decoded <= limits.frameBudget else {
            throw FaceKitError(.videoTooManyFrames, "the recording has more than \(limits.frameBudget) frames")
        }
    }

    /// Whether a frame stamped `milliseconds` comes after the last one (else it is skipped);
    /// throws `video_bad_timestamps` when time stops advancing or runs too fast.
    mutating func advances(_ milliseconds: Double) throws -> Bool {
        guard milliseconds.isFinite, milliseconds > last else {
            staleRun += 1
            staleTotal += 1
            guard staleRun <= Self.longestStaleRun else {
                throw FaceKitError(.videoBadTimestamps, "the recording's timestamps do not advance")
            }
            return false
        }
        // Time went back and then on again: frames out of place in the middle of the file.
        if staleRun > 0 {
            staleMidStream += staleRun
            staleRun = 0
            guard staleMidStream <= limits.staleFramesTolerated else {
                throw FaceKitError(.videoBadTimestamps, "the recording's timestamps go back in time")
            }
        }
        if first == nil { first = milliseconds }
        last = milliseconds
        advancing += 1
        // After a few frames, the rate they claim: thousands a second is a forged file.
        if advancing >= 10, let first {
            let rate = Double(advancing - 1) * 1000 / max(milliseconds - first, 1e-9)
            guard rate <= limits.maxFrameRate else {
                throw FaceKitError(
                    .videoBadTimestamps,
                    "the recording's timestamps claim \(Int(min(rate, 1e9))) frames a second; the limit is \(Int(limits.maxFrameRate))"
                )
            }
        }
        return true
    }

    /// At the end: throws `video_bad_timestamps` when most frames did not advance.
    func finish() throws {
        guard decoded < 2 || staleTotal <= max(limits.staleFramesTolerated, decoded / 2) else {
            throw FaceKitError(.videoBadTimestamps, "the recording's timestamps do not advance")
        }
    }

    /// Frames at the end that did not advance (the decoder's drained frames): real frames after
    /// the last stamped one, which count towards the duration.
    var trailingStale: Int { staleRun }

    /// The mean time between frames that advanced (0 with fewer than two).
    var meanInterval: Double {
        guard advancing >= 2, let first else { return 0 }
        return (last - first) / Double(advancing - 1)
    }
}
