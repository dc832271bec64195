/// The encoded image formats Likeness accepts.
public enum ImageFormat: String, Sendable, CaseIterable {
    case jpeg, png, webp, bmp, tiff

    /// Identifies the format from the leading bytes, or nil when it is not a supported one.
    static func sniff(_ bytes: ByteReader) -> ImageFormat? {
        if bytes.matches([0xFF, 0xD8, 0xFF], at: 0) { return .jpeg }
        if bytes.matches([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], at: 0) { return .png }
        if bytes.matches(Array("RIFF".utf8), at: 0) && bytes.matches(Array("WEBP".utf8), at: 8) { return .webp }
        if bytes.matches(Array("BM".utf8), at: 0) { return .bmp }
        if bytes.matches([0x49, 0x49, 0x2A, 0x00], at: 0) || bytes.matches([0x4D, 0x4D, 0x00, 0x2A], at: 0) {
            return .tiff
        }
        return nil
    }
}
