internal import CLikenessVision

/// Sequential frames of a video file.
///
/// The one place FaceKit opens a file other than a model: OpenCV 4.6 decodes video only from a
/// path. Callers that hold bytes write them to a private temporary file first.
public final class VideoReader {
    private let handle: OpaquePointer
    /// Frames per second as the container reports it (0 when unknown).
    public let framesPerSecond: Double
    /// Frame count as the container reports it (an estimate for some formats).
    public let frameCount: Int
    public let width: Int
    public let height: Int

    /// Opens `path`; throws `image_unreadable` when it is not a decodable video.
    ///
    /// With `restrictedTo` (untrusted recordings), the file's first bytes must show one of those
    /// containers (else `unsupported_format`), and FFmpeg may use only its Matroska/WebM and
    /// MP4 demuxers and the `file` protocol. Without it (footage, `likeness track`), FFmpeg
    /// opens whatever it can.
    public init(path: String, restrictedTo containers: Set<VideoContainer>? = nil) throws {
        if let containers { try VideoContainer.require(fileAt: path, allowed: containers) }
        var out: OpaquePointer?
        var message = [CChar](repeating: 0, count: 256)
        let status = message.withUnsafeMutableBufferPointer {
            containers == nil
                ? lkv_video_open(path, &out, $0.baseAddress, $0.count)
                : lkv_video_open_restricted(path, &out, $0.baseAddress, $0.count)
        }
        guard status == LKV_OK, let out else {
            throw FaceKitError(.imageUnreadable, "the video could not be opened or decoded")
        }
        handle = out
        var fps = 0.0
        var frames: Int32 = 0
        var w: Int32 = 0
        var h: Int32 = 0
        lkv_video_properties(handle, &fps, &frames, &w, &h)
        framesPerSecond = fps.isFinite ? fps : 0
        frameCount = Int(frames)
        width = Int(w)
        height = Int(h)
    }

    deinit {
        lkv_video_free(handle)
    }

    private var framesRead = 0

    /// The next frame and its time in milliseconds, or nil at the end.
    ///
    /// When the container gives no usable timestamp, the time is the frame's index over the
    /// frame rate (30 fps when that is unknown too).
    public func next() throws -> (image: Image, milliseconds: Double)? {
        var out: OpaquePointer?
        var timestamp = 0.0
        let status = lkv_video_next(handle, &out, &timestamp)
        guard status == LKV_OK else { throw FaceKitError(.imageUnreadable, "a video frame could not be decoded") }
        guard let out else { return nil }
        defer { framesRead += 1 }
        if !timestamp.isFinite || timestamp < 0 {
            timestamp = Double(framesRead) * 1000 / (framesPerSecond > 0 ? framesPerSecond : 30)
        }
        return (Image(owning: out), timestamp)
    }
}
