/// A minimal PNG encoder (stored deflate blocks) for building test inputs OpenCV will not write:
/// grayscale, RGBA and 16-bit images, and headers that lie about their size.
enum PNGWriter {
    enum Layout {
        case gray8, rgba8, rgb16, rgba16, gray16
    }

    /// Encodes BGR pixels in the requested layout.
    static func encode(bgr: [UInt8], width: Int, height: Int, layout: Layout) -> [UInt8] {
        var raw: [UInt8] = []
        for y in 0..<height {
            raw.append(0)  // filter: none
            for x in 0..<width {
                let i = (y * width + x) * 3
                let (b, g, r) = (bgr[i], bgr[i + 1], bgr[i + 2])
                switch layout {
                case .gray8:
                    let luma: Int = Int(r) * 299 + Int(g) * 587 + Int(b) * 114
                    raw.append(UInt8(luma / 1000))
                case .rgba8:
                    // Opaque face; the alpha channel is real but full.
                    raw += [r, g, b, 255]
                case .rgb16:
                    for c in [r, g, b] { raw += [c, c] }  // v * 257, big-endian
                case .rgba16:
                    for c in [r, g, b] { raw += [c, c] }
                    raw += [0xFF, 0xFF]  // opaque
                case .gray16:
                    let weighted: Int = Int(r) * 299 + Int(g) * 587 + Int(b) * 114
                    let luma = UInt8(weighted / 1000)
                    raw += [luma, luma]
                }
            }
        }
        let (colorType, depth): (UInt8, UInt8) =
            switch layout {
            case .gray8: (0, 8)
            case .rgba8: (6, 8)
            case .rgb16: (2, 16)
            case .rgba16: (6, 16)
            case .gray16: (0, 16)
            }
        return png(width: width, height: height, depth: depth, colorType: colorType, idat: zlibStored(raw))
    }

    /// A PNG whose header claims `width` x `height` but holds almost no data.
    static func lyingHeader(width: Int, height: Int) -> [UInt8] {
        png(width: width, height: height, depth: 8, colorType: 2, idat: zlibStored([0, 0, 0, 0]))
    }

    private static func png(width: Int, height: Int, depth: UInt8, colorType: UInt8, idat: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        out += chunk("IHDR", be32(width) + be32(height) + [depth, colorType, 0, 0, 0])
        out += chunk("IDAT", idat)
        out += chunk("IEND", [])
        return out
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return be32(data.count) + body + be32(Int(crc32(body)))
    }

    private static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let n = min(65_535, data.count - offset)
            let final: UInt8 = offset + n >= data.count ? 1 : 0
            out += [final, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            out += data[offset..<offset + n]
            offset += n
        } while offset < data.count
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return out + be32(Int(b << 16 | a))
    }

    private static func be32(_ v: Int) -> [UInt8] {
        [UInt8((v >> 24) & 0xFF), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }

    private static func crc32(_ data: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
        }
        return ~crc
    }
}

/// Inserts an EXIF APP1 segment carrying `orientation` right after a JPEG's SOI marker.
func jpegWithOrientation(_ jpeg: [UInt8], orientation: UInt16) -> [UInt8] {
    // Big-endian TIFF header, one IFD entry: tag 274 (orientation), type SHORT, count 1.
    let tiff: [UInt8] = [
        0x4D, 0x4D, 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08,
        0x00, 0x01,
        0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, UInt8(orientation >> 8), UInt8(orientation & 0xFF), 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00,
    ]
    let payload = Array("Exif".utf8) + [0, 0] + tiff
    let length = payload.count + 2
    let app1: [UInt8] = [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
    return Array(jpeg[0..<2]) + app1 + Array(jpeg[2...])
}
