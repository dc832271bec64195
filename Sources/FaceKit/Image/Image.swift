internal import CLikenessVision

/// An upright, 8-bit BGR image ready for the face pipeline.
///
/// Instances are immutable: every transformation returns a new image. That is what makes the
/// type safe to share between tasks.
public final class Image: @unchecked Sendable {
    // @unchecked: the OpenCV matrix behind `handle` is written only while the initialiser runs
    // and read-only afterwards; concurrent reads of a cv::Mat are safe.
    let handle: OpaquePointer

    /// Takes ownership of a handle returned by the shim.
    init(owning handle: OpaquePointer) {
        self.handle = handle
    }

    deinit {
        lkv_image_free(handle)
    }

    /// Width in pixels.
    public var width: Int { Int(lkv_image_width(handle)) }
    /// Height in pixels.
    public var height: Int { Int(lkv_image_height(handle)) }

    /// Creates an image from tightly packed BGR pixels (`width * height * 3` bytes).
    public convenience init(bgr pixels: [UInt8], width: Int, height: Int) throws {
        guard width > 0, height > 0, pixels.count == width * height * 3 else {
            throw FaceKitError(.invalidArgument, "pixel buffer does not match \(width)x\(height)x3")
        }
        var out: OpaquePointer?
        let status = pixels.withUnsafeBufferPointer {
            lkv_image_from_bgr($0.baseAddress, Int32(width), Int32(height), &out)
        }
        guard status == LKV_OK, let out else { throw FaceKitError(.internalFailure, "could not create image") }
        self.init(owning: out)
    }

    /// The pixels as tightly packed BGR bytes.
    public func bgrPixels() -> [UInt8] {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        pixels.withUnsafeMutableBufferPointer { _ = lkv_image_copy_bgr(handle, $0.baseAddress, $0.count) }
        return pixels
    }

    /// Lends the shim handle to `body`; the handle must not escape it.
    func withHandle<R>(_ body: (OpaquePointer) throws -> R) rethrows -> R {
        try withExtendedLifetime(self) { try body(handle) }
    }

    /// Wraps the result of a shim call that produces a new image.
    static func make(_ operation: String, _ produce: (inout OpaquePointer?) -> lkv_status) throws -> Image {
        var out: OpaquePointer?
        let status = produce(&out)
        guard status == LKV_OK, let out else {
            throw FaceKitError(.internalFailure, "\(operation) failed (status \(status.rawValue))")
        }
        return Image(owning: out)
    }
}
