internal import CLikenessVision

extension Image {
    /// Encodes the image in `format`; `quality` (1...100) applies to JPEG and WebP.
    public func encoded(as format: ImageFormat, quality: Int? = nil) throws -> [UInt8] {
        let ext: String
        switch format {
        case .jpeg: ext = ".jpg"
        case .png: ext = ".png"
        case .webp: ext = ".webp"
        case .bmp: ext = ".bmp"
        case .tiff: ext = ".tiff"
        }
        var bytes: UnsafeMutablePointer<UInt8>?
        var length = 0
        let status = lkv_image_encode(handle, ext, Int32(quality ?? 0), &bytes, &length)
        guard status == LKV_OK, let bytes else {
            throw FaceKitError(.internalFailure, "could not encode \(format.rawValue)")
        }
        defer { lkv_buffer_free(bytes) }
        return Array(UnsafeBufferPointer(start: bytes, count: length))
    }
}
