import Foundation

/// The containers a liveness recording may come in, told apart by their first bytes.
///
/// Checked before FFmpeg sees a file: FFmpeg would otherwise probe every demuxer it has
/// (playlists, concat scripts, image sequences) and follow whatever they reference.
public enum VideoContainer: String, Sendable, CaseIterable {
    /// Matroska or WebM: an EBML header whose DocType is `webm` or `matroska` (MediaRecorder).
    case webm
    /// ISO-BMFF (MP4, MOV, 3GP): an `ftyp` box first (Safari's MediaRecorder, phone cameras).
    case mp4

    /// Bytes a sniff needs at most: an EBML header and its DocType sit well within them.
    public static let sniffLength = 64

    /// The container `bytes` (the start of a file) is in, or nil when it is neither.
    public static func sniff(_ bytes: some Collection<UInt8>) -> VideoContainer? {
        let head = Array(bytes.prefix(sniffLength))
        if isMatroska(head) { return .webm }
        if isISOBMFF(head) { return .mp4 }
        return nil
    }

    /// The container of `bytes`; throws `unsupported_format` unless it is one of `allowed`.
    @discardableResult
    public static func require(_ bytes: some Collection<UInt8>, allowed: Set<VideoContainer> = Set(allCases)) throws
        -> VideoContainer
    {
        guard let container = sniff(bytes), allowed.contains(container) else {
            throw FaceKitError(.unsupportedFormat, "the recording is not a WebM or MP4 file")
        }
        return container
    }

    /// The container of the file at `path`, read from its first bytes; throws `video_unreadable`
    /// when the file cannot be read, `unsupported_format` when it is neither container.
    @discardableResult
    public static func require(fileAt path: String, allowed: Set<VideoContainer> = Set(allCases)) throws
        -> VideoContainer
    {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw FaceKitError(.videoUnreadable, "the recording could not be read")
        }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: sniffLength)) ?? nil
        return try require([UInt8](head ?? Data()), allowed: allowed)
    }

    /// `1A 45 DF A3`, then the EBML header's children until its DocType (ID `42 82`).
    private static func isMatroska(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 5, bytes[0] == 0x1A, bytes[1] == 0x45, bytes[2] == 0xDF, bytes[3] == 0xA3 else {
            return false
        }
        var offset = 4
        guard let headerSize = vint(bytes, &offset, keepMarker: false) else { return false }
        let end = min(bytes.count, offset + Int(min(headerSize, UInt64(sniffLength))))
        // Each child: an ID (a vint with its marker kept), a size, the data. Bounded by `end`.
        while offset < end {
            guard let id = vint(bytes, &offset, keepMarker: true), let size = vint(bytes, &offset, keepMarker: false),
                size <= UInt64(sniffLength)
            else { return false }
            let length = Int(size)
            if id == 0x4282 {
                guard offset + length <= bytes.count else { return false }
                // The string may be padded with zero bytes.
                let docType = bytes[offset..<(offset + length)].prefix { $0 != 0 }
                return docType.elementsEqual("webm".utf8) || docType.elementsEqual("matroska".utf8)
            }
            offset += length
        }
        return false
    }

    /// An EBML variable-length integer at `offset` (1 to 8 bytes), advancing past it; nil when
    /// malformed or cut off.
    private static func vint(_ bytes: [UInt8], _ offset: inout Int, keepMarker: Bool) -> UInt64? {
        guard offset < bytes.count, bytes[offset] != 0 else { return nil }
        let first = bytes[offset]
        let length = first.leadingZeroBitCount + 1
        guard offset + length <= bytes.count else { return nil }
        var value = UInt64(keepMarker ? first : first & (0xFF >> length))
        for index in 1..<length { value = value << 8 | UInt64(bytes[offset + index]) }
        offset += length
        return value
    }

    /// A box of at least 16 bytes (size, `ftyp`, major brand, minor version) at offset 0, or a
    /// size of 1 (a 64-bit size follows), with printable brand characters.
    private static func isISOBMFF(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 12, bytes[4...7].elementsEqual("ftyp".utf8) else { return false }
        let size = bytes[0...3].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard size == 1 || size >= 16 else { return false }
        let brand = bytes[8...11]
        return brand.allSatisfy { (0x20...0x7E).contains($0) }
    }
}
