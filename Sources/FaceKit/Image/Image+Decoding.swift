internal import CLikenessVision

extension Image {
    /// Decodes JPEG, PNG, WebP, BMP or TIFF bytes into an upright image.
    ///
    /// The header is checked against `limits` before any pixel is decoded, and EXIF
    /// orientation is applied so that a rotated phone photo comes out upright.
    /// - Throws: `FaceKitError` with `image_unreadable`, `unsupported_format`,
    ///   `image_too_large` or `image_too_small`.
    public static func decode(_ bytes: [UInt8], limits: ImageLimits = .default) throws -> Image {
        guard !bytes.isEmpty else { throw FaceKitError(.imageUnreadable, "the image is empty (0 bytes)") }
        guard bytes.count <= limits.maxBytes else {
            throw FaceKitError(.imageTooLarge, "the image is \(bytes.count) bytes; the limit is \(limits.maxBytes)")
        }
        let header = try ImageHeader.read(bytes)
        try Image.check(width: header.width, height: header.height, limits: limits)

        var decoded: OpaquePointer?
        var message = [CChar](repeating: 0, count: 256)
        let status = bytes.withUnsafeBufferPointer { buffer in
            message.withUnsafeMutableBufferPointer {
                lkv_image_decode(buffer.baseAddress, buffer.count, &decoded, $0.baseAddress, $0.count)
            }
        }
        guard status == LKV_OK, let decoded else {
            throw FaceKitError(.imageUnreadable, "the \(header.format.rawValue) data could not be decoded")
        }
        let raw = Image(owning: decoded)
        // The decoder can disagree with a lying header; the decoded size is what counts.
        try Image.check(width: raw.width, height: raw.height, limits: limits)
        return header.orientation == 1 ? raw : try raw.oriented(exif: header.orientation)
    }

    /// The bytes of pixels `decode` holds at once for these encoded bytes, read from the header
    /// alone: 3 per pixel (the codec emits 8-bit BGR directly), twice that when an EXIF rotation
    /// needs a second buffer. Zero when the header is unreadable or over `limits`, as `decode`
    /// then refuses the image before decoding a pixel.
    public static func decodedFootprint(of bytes: [UInt8], limits: ImageLimits = .default) -> Int {
        guard bytes.count <= limits.maxBytes, let header = try? ImageHeader.read(bytes) else { return 0 }
        let (pixels, overflow) = header.width.multipliedReportingOverflow(by: header.height)
        guard !overflow, pixels <= limits.maxPixels else { return 0 }
        return pixels * 3 * (header.orientation == 1 ? 1 : 2)
    }

    /// The format of encoded bytes, or nil when it is not one Likeness decodes.
    public static func format(of bytes: [UInt8]) -> ImageFormat? {
        ImageFormat.sniff(ByteReader(bytes: Array(bytes.prefix(16))))
    }

    private static func check(width: Int, height: Int, limits: ImageLimits) throws {
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= limits.maxPixels else {
            throw FaceKitError(
                .imageTooLarge, "the image is \(width)x\(height) pixels; the limit is \(limits.maxPixels) pixels")
        }
        guard width >= limits.minSide, height >= limits.minSide else {
            throw FaceKitError(
                .imageTooSmall, "the image is \(width)x\(height) pixels; each side must be at least \(limits.minSide)")
        }
    }
}
