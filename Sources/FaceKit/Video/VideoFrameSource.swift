import Foundation

/// A video decoded on a thread of its own, its frames handed over a few at a time.
///
/// FFmpeg's decoding blocks for milliseconds per frame, and longer on a hostile file: on
/// Swift's cooperative pool it would hold one of the few threads every request shares. Here a
/// dedicated thread opens and decodes, and waits for a permit before each frame: the consumer
/// asks for frames (`request`), so only as many decoded frames as it asked for wait for it
/// (back-pressure), and none is decoded before it has checked the header.
final class VideoFrameSource: Sendable {
    enum Event: Sendable {
        /// The header, before any frame: size, frame rate and frame count (0 when unknown).
        case opened(width: Int, height: Int, framesPerSecond: Double, frameCount: Int)
        /// A frame and its time, in milliseconds, as the container stamps it.
        case frame(Image, milliseconds: Double)
    }

    /// The header, then every frame; ends at the end of the video, or with the reader's error.
    let events: AsyncThrowingStream<Event, any Error>
    private let permits: DispatchSemaphore
    private let stop: StopFlag

    /// Opens `path` (restricted to `containers` when given; see `VideoReader`); decodes
    /// nothing until frames are requested.
    init(path: String, restrictedTo containers: Set<VideoContainer>?) {
        let permits = DispatchSemaphore(value: 0)
        let stop = StopFlag()
        self.permits = permits
        self.stop = stop
        let (events, continuation) = AsyncThrowingStream.makeStream(of: Event.self, throwing: (any Error).self)
        self.events = events
        // The consumer went away (finished, threw, was cancelled): wake the thread so it ends.
        continuation.onTermination = { _ in
            stop.set()
            permits.signal()
        }
        let thread = Thread {
            let reader: VideoReader
            do {
                reader = try VideoReader(path: path, restrictedTo: containers)
            } catch {
                continuation.finish(throwing: error)
                return
            }
            continuation.yield(
                .opened(
                    width: reader.width, height: reader.height, framesPerSecond: reader.framesPerSecond,
                    frameCount: reader.frameCount))
            while true {
                permits.wait()
                if stop.isSet { break }
                do {
                    guard let (image, milliseconds) = try reader.next() else { break }
                    continuation.yield(.frame(image, milliseconds: milliseconds))
                } catch {
                    continuation.finish(throwing: error)
                    return
                }
            }
            continuation.finish()
        }
        thread.name = "likeness.video-decode"
        thread.start()
    }

    /// Lets the thread decode `count` more frames (after the header: how far it may decode
    /// ahead; after each frame: one more).
    func request(_ count: Int = 1) {
        for _ in 0..<max(0, count) { permits.signal() }
    }

    /// Stops decoding after the frame in progress; the stream then ends.
    func cancel() {
        stop.set()
        permits.signal()
    }
}

/// A flag one thread sets and another reads.
private final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
