internal import CLikenessVision

extension Image {
    /// Resizes to the given size.
    public func resized(width: Int, height: Int) throws -> Image {
        guard width > 0, height > 0 else { throw FaceKitError(.invalidArgument, "size must be positive") }
        return try Image.make("resize") { lkv_image_resize(handle, Int32(width), Int32(height), &$0) }
    }

    /// Warps through an affine transform into an image of the given size (black border).
    public func warped(by transform: SimilarityTransform, width: Int, height: Int) throws -> Image {
        let m = transform.matrix
        return try m.withUnsafeBufferPointer { matrix in
            try Image.make("warp") {
                lkv_image_warp_affine(handle, matrix.baseAddress, Int32(width), Int32(height), &$0)
            }
        }
    }

    /// The part of the image inside the rectangle (clipped to the image).
    public func cropped(x: Int, y: Int, width: Int, height: Int) throws -> Image {
        try Image.make("crop") { lkv_image_crop(handle, Int32(x), Int32(y), Int32(width), Int32(height), &$0) }
    }
}

// Internal: decoding applies the EXIF orientation itself, and the rest exist for the tests
// (`@testable import FaceKit`), which build rotated, tilted, blurred and darkened inputs.
extension Image {
    /// Applies an EXIF orientation value (1...8).
    func oriented(exif orientation: Int) throws -> Image {
        guard (1...8).contains(orientation) else {
            throw FaceKitError(.invalidArgument, "EXIF orientation must be 1...8, not \(orientation)")
        }
        return try Image.make("orient") { lkv_image_orient(handle, Int32(orientation), &$0) }
    }

    /// Rotates counter-clockwise by `degrees`, enlarging the canvas to keep every pixel.
    func rotated(degrees: Double) throws -> Image {
        try Image.make("rotate") { lkv_image_rotate(handle, degrees, &$0) }
    }

    /// Applies a 3×3 perspective matrix (row-major) into an image of the given size.
    func warpedPerspective(by matrix: [Double], width: Int, height: Int) throws -> Image {
        guard matrix.count == 9, width > 0, height > 0 else {
            throw FaceKitError(.invalidArgument, "a perspective warp needs 9 coefficients and a positive size")
        }
        return try matrix.withUnsafeBufferPointer { m in
            try Image.make("warp") {
                lkv_image_warp_perspective(handle, m.baseAddress, Int32(width), Int32(height), &$0)
            }
        }
    }

    /// A Gaussian blur with the given sigma in pixels.
    func blurred(sigma: Double) throws -> Image {
        guard sigma > 0 else { throw FaceKitError(.invalidArgument, "sigma must be positive") }
        return try Image.make("blur") { lkv_image_blur(handle, sigma, &$0) }
    }

    /// Each pixel times `gain` plus `bias`, saturated to 0...255.
    func adjusted(gain: Double, bias: Double = 0) throws -> Image {
        try Image.make("adjust") { lkv_image_adjust(handle, gain, bias, &$0) }
    }
}
