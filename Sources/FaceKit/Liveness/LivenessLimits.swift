/// The cost budget of one liveness recording, enforced while it is decoded, before the work
/// is spent: each limit ends the analysis with its own code.
///
/// Memory stays bounded whatever the file claims. The analysis holds at most
/// `2 × workers` samples in flight, each with at most `maxFramesBetweenSamples` frames between
/// it and the next, plus the reference frame and the decoder's `decodeAhead` frames; every
/// frame is at most `maxFramePixels` × 3 bytes (8-bit BGR). With the defaults and 2 workers:
/// 4 × (1 + 6) + 1 + 4 = 33 frames of 1920×1080 × 3 ≈ 6.2 MB, about 205 MB; a 640×480 phone
/// recording needs under 31 MB. The frame and time limits bound CPU the same way: at most
/// `maxFrames` decodes, `maxSeconds × sampleRate` detections, and `maxAnalysisSeconds` of
/// inference-worker time in all.
public struct LivenessLimits: Sendable, Equatable {
    /// The longest recording analysed (default 10 s); longer is `video_too_long`.
    public var maxSeconds = 10.0
    /// The most frames decoded; more is `video_too_many_frames`. Nil: 64 for each second of
    /// `maxSeconds` (640 by default): a phone browser records at 30 fps, 60 at most, so a
    /// genuine recording never comes near it, while a file of thousands of tiny frames is
    /// refused after a few hundred decodes.
    public var maxFrames: Int?
    /// Frames kept between two samples (default 6), measured for the eyes only: at the default
    /// 15 samples a second, a 60 fps camera gives 3. More are dropped, spread evenly, not
    /// refused: they would only refine the blink search.
    public var maxFramesBetweenSamples = 6
    /// The most pixels a decoded frame may have (default 1920×1080), checked on every frame, not
    /// only in the header; larger is `video_frame_too_large`. What a phone browser's
    /// MediaRecorder writes at most; a face needs far fewer pixels, and 4K would quadruple the
    /// memory per frame for nothing.
    public var maxFramePixels = 1920 * 1080
    /// The wall-clock time the analysis may hold inference workers, summed over them; more is
    /// `video_too_slow`. Time spent waiting for a worker does not count: it costs nothing, and on
    /// a busy server counting it would refuse genuine recordings for others' load. A 10 s
    /// recording needs a few seconds. The default here, 120 s, is for the CLI and tests on a busy
    /// machine; the service sets its own (`max_video_analysis_seconds`, 60 s).
    public var maxAnalysisSeconds = 120.0
    /// The highest frame rate a recording may have, measured from its timestamps (default 240);
    /// higher, or timestamps that do not advance, is `video_bad_timestamps`.
    public var maxFrameRate = 240.0
    /// Frames whose timestamp does not advance that are tolerated (skipped): OpenCV stamps the
    /// last one or two frames of some MP4s at 0 ms. More than this, and more than 2% of the
    /// frames, is `video_bad_timestamps`.
    public var staleFramesTolerated = 3

    public init() {}

    /// `maxFrames`, or its default for `maxSeconds`.
    public var frameBudget: Int { maxFrames ?? Int((64 * maxSeconds).rounded(.up)) }
}
