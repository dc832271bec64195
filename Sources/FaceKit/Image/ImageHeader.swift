/// What the container header says about an image, read without decoding its pixels.
struct ImageHeader: Equatable {
    var format: ImageFormat
    var width: Int
    var height: Int
    /// EXIF orientation 1...8; 1 when absent.
    var orientation: Int = 1

    /// Reads the header, or throws `unsupported_format` / `image_unreadable`.
    static func read(_ bytes: [UInt8]) throws -> ImageHeader {
        let reader = ByteReader(bytes: bytes)
        guard let format = ImageFormat.sniff(reader) else {
            throw FaceKitError(.unsupportedFormat, "not a JPEG, PNG, WebP, BMP or TIFF image")
        }
        let header: ImageHeader?
        switch format {
        case .jpeg: header = jpeg(reader)
        case .png: header = png(reader)
        case .webp: header = webp(reader)
        case .bmp: header = bmp(reader)
        case .tiff: header = tiff(reader)
        }
        guard let header, header.width > 0, header.height > 0 else {
            throw FaceKitError(.imageUnreadable, "the \(format.rawValue) header is damaged or truncated")
        }
        return header
    }

    private static func jpeg(_ r: ByteReader) -> ImageHeader? {
        var offset = 2
        var orientation = 1
        while offset + 4 <= r.count {
            guard r.u8(offset) == 0xFF else { return nil }
            var marker = r.u8(offset + 1) ?? 0
            while marker == 0xFF {  // fill bytes
                offset += 1
                marker = r.u8(offset + 1) ?? 0
            }
            if marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) {
                offset += 2
                continue
            }
            if marker == 0xD9 || marker == 0xDA { return nil }  // no frame header before the scan
            guard let length = r.u16(offset + 2, bigEndian: true), length >= 2 else { return nil }
            let segment = offset + 4
            if marker == 0xE1, r.matches(Array("Exif".utf8) + [0, 0], at: segment),
                let tiffData = r.slice(segment + 6, min(length - 8, r.count - segment - 6))
            {
                orientation = exifOrientation(tiffData) ?? 1
            }
            let isFrame = (0xC0...0xCF).contains(marker) && ![0xC4, 0xC8, 0xCC].contains(marker)
            if isFrame {
                guard let height = r.u16(segment + 1, bigEndian: true), let width = r.u16(segment + 3, bigEndian: true)
                else { return nil }
                // The entropy-coded data must end with an EOI marker; without it the file was cut short.
                guard r.firstIndex(of: [0xFF, 0xD9], from: segment + length - 2) != nil else { return nil }
                return ImageHeader(format: .jpeg, width: width, height: height, orientation: orientation)
            }
            offset += 2 + length
        }
        return nil
    }

    private static func png(_ r: ByteReader) -> ImageHeader? {
        guard r.matches(Array("IHDR".utf8), at: 12), let width = r.u32(16, bigEndian: true),
            let height = r.u32(20, bigEndian: true)
        else { return nil }
        var orientation = 1
        var offset = 8
        while let length = r.u32(offset, bigEndian: true), offset + 12 + length <= r.count {
            if r.matches(Array("eXIf".utf8), at: offset + 4), let exif = r.slice(offset + 8, length) {
                orientation = exifOrientation(exif) ?? 1
            }
            if r.matches(Array("IDAT".utf8), at: offset + 4) || r.matches(Array("IEND".utf8), at: offset + 4) { break }
            offset += 12 + length
        }
        return ImageHeader(format: .png, width: width, height: height, orientation: orientation)
    }

    private static func webp(_ r: ByteReader) -> ImageHeader? {
        var offset = 12
        var size: (Int, Int)?
        var orientation = 1
        while offset + 8 <= r.count, let length = r.u32(offset + 4, bigEndian: false) {
            let data = offset + 8
            if r.matches(Array("VP8 ".utf8), at: offset), size == nil {
                guard r.matches([0x9D, 0x01, 0x2A], at: data + 3), let w = r.u16(data + 6, bigEndian: false),
                    let h = r.u16(data + 8, bigEndian: false)
                else { return nil }
                size = (w & 0x3FFF, h & 0x3FFF)
            } else if r.matches(Array("VP8L".utf8), at: offset), size == nil {
                guard r.u8(data) == 0x2F, let bits = r.u32(data + 1, bigEndian: false) else { return nil }
                size = ((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
            } else if r.matches(Array("VP8X".utf8), at: offset) {
                guard let w = r.u24le(data + 4), let h = r.u24le(data + 7) else { return nil }
                size = (w + 1, h + 1)
            } else if r.matches(Array("EXIF".utf8), at: offset), let exif = r.slice(data, min(length, r.count - data)) {
                let start = exif.matches(Array("Exif".utf8) + [0, 0], at: 0) ? 6 : 0
                orientation = exif.slice(start, exif.count - start).flatMap(exifOrientation) ?? 1
            }
            offset = data + length + (length & 1)
        }
        guard let size else { return nil }
        return ImageHeader(format: .webp, width: size.0, height: size.1, orientation: orientation)
    }

    private static func bmp(_ r: ByteReader) -> ImageHeader? {
        guard let dibSize = r.u32(14, bigEndian: false) else { return nil }
        if dibSize == 12 {
            guard let w = r.u16(18, bigEndian: false), let h = r.u16(20, bigEndian: false) else { return nil }
            return ImageHeader(format: .bmp, width: w, height: h)
        }
        guard let w = r.i32le(18), let h = r.i32le(22) else { return nil }
        return ImageHeader(format: .bmp, width: w, height: abs(h))
    }

    private static func tiff(_ r: ByteReader) -> ImageHeader? {
        let tags = tiffTags(r, wanted: [256, 257, 274, 278, 322, 323])
        guard let w = tags[256], let h = tags[257] else { return nil }
        // OpenCV 4.6 sizes its strip buffer by RowsPerStrip, not by the height: 40x32 pixels
        // claiming 16 million rows a strip asked for 2.6 GB (found by the image-decode fuzzer).
        // 0xFFFFFFFF is the standard's "one strip"; anything else above the height is damage.
        if let rows = tags[278], rows != 0xFFFF_FFFF, rows > h { return nil }
        // Tiles may overhang the image (they come in multiples of 16), but not by orders of magnitude.
        if let tileWidth = tags[322], let tileHeight = tags[323] {
            let (area, overflow) = tileWidth.multipliedReportingOverflow(by: tileHeight)
            let pixels = w.multipliedReportingOverflow(by: h)
            if overflow || (!pixels.overflow && area > 4 * max(pixels.partialValue, 256 * 256)) { return nil }
        }
        let orientation = tags[274].flatMap { (1...8).contains($0) ? $0 : nil } ?? 1
        return ImageHeader(format: .tiff, width: w, height: h, orientation: orientation)
    }

    /// The orientation tag (274) of an EXIF TIFF block.
    static func exifOrientation(_ r: ByteReader) -> Int? {
        guard let value = tiffTags(r, wanted: [274])[274], (1...8).contains(value) else { return nil }
        return value
    }

    /// Reads SHORT or LONG values of the given tags from the first IFD of a TIFF structure.
    private static func tiffTags(_ r: ByteReader, wanted: Set<Int>) -> [Int: Int] {
        let bigEndian: Bool
        if r.matches([0x4D, 0x4D], at: 0) {
            bigEndian = true
        } else if r.matches([0x49, 0x49], at: 0) {
            bigEndian = false
        } else {
            return [:]
        }
        guard r.u16(2, bigEndian: bigEndian) == 42, let ifd = r.u32(4, bigEndian: bigEndian),
            let entries = r.u16(ifd, bigEndian: bigEndian)
        else { return [:] }
        var found: [Int: Int] = [:]
        for i in 0..<min(entries, 1000) {
            let entry = ifd + 2 + i * 12
            guard let tag = r.u16(entry, bigEndian: bigEndian), let type = r.u16(entry + 2, bigEndian: bigEndian)
            else { break }
            guard wanted.contains(tag) else { continue }
            switch type {
            case 3: found[tag] = r.u16(entry + 8, bigEndian: bigEndian)
            case 4: found[tag] = r.u32(entry + 8, bigEndian: bigEndian)
            default: continue
            }
        }
        return found
    }
}
