import Foundation
import TestSupport
import Testing

@testable import FaceKit

@Suite("Image decoding and bad input")
struct ImageDecodingTests {
    func expectCode(_ code: FaceKitError.Code, _ bytes: [UInt8], limits: ImageLimits = .default) {
        let error = #expect(throws: FaceKitError.self) { try Image.decode(bytes, limits: limits) }
        #expect(error?.code == code, "expected \(code), got \(String(describing: error))")
    }

    /// A synthetic 64×48 BGR gradient, encoded by OpenCV.
    func synthetic(width: Int = 64, height: Int = 48) throws -> Image {
        var pixels: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width { pixels += [UInt8(x * 4 % 256), UInt8(y * 5 % 256), UInt8((x + y) % 256)] }
        }
        return try Image(bgr: pixels, width: width, height: height)
    }

    @Test("zero bytes → image_unreadable")
    func empty() { expectCode(.imageUnreadable, []) }

    @Test("a text file → unsupported_format")
    func text() { expectCode(.unsupportedFormat, Array("name,score\nalice,1\n".utf8)) }

    @Test("a GIF (not a supported format) → unsupported_format")
    func gif() { expectCode(.unsupportedFormat, Array("GIF89a".utf8) + [UInt8](repeating: 0, count: 40)) }

    @Test("a truncated JPEG → image_unreadable, at every cut point")
    func truncatedJPEG() throws {
        let jpeg = try synthetic().encoded(as: .jpeg, quality: 90)
        for cut in [3, 20, jpeg.count / 3, jpeg.count / 2, jpeg.count - 2] {
            expectCode(.imageUnreadable, Array(jpeg.prefix(cut)))
        }
        #expect(try Image.decode(jpeg).width == 64)
    }

    @Test("random bytes after a PNG signature → image_unreadable")
    func corruptPNG() {
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        bytes += (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 97) }
        expectCode(.imageUnreadable, bytes)
    }

    @Test("a 1×1 image → image_too_small")
    func onePixel() throws {
        let png = try Image(bgr: [10, 20, 30], width: 1, height: 1).encoded(as: .png)
        expectCode(.imageTooSmall, png)
    }

    @Test("a PNG whose header claims 50,000×50,000 → image_too_large before decoding")
    func lyingHeader() {
        expectCode(.imageTooLarge, PNGWriter.lyingHeader(width: 50_000, height: 50_000))
    }

    @Test("more bytes than the limit → image_too_large")
    func tooManyBytes() throws {
        let png = try synthetic().encoded(as: .png)
        expectCode(.imageTooLarge, png, limits: ImageLimits(maxBytes: png.count - 1))
    }

    @Test("every supported format round-trips", arguments: [ImageFormat.jpeg, .png, .webp, .bmp, .tiff])
    func formats(format: ImageFormat) throws {
        let bytes = try synthetic().encoded(as: format, quality: 95)
        #expect(Image.format(of: bytes) == format)
        let header = try ImageHeader.read(bytes)
        #expect(header.width == 64 && header.height == 48)
        let image = try Image.decode(bytes)
        #expect(image.width == 64 && image.height == 48)
    }

    @Test("grayscale, RGBA and 16-bit PNGs decode to the same picture as the 8-bit colour original")
    func unusualLayouts() throws {
        let original = try synthetic()
        let pixels = original.bgrPixels()
        for layout in [PNGWriter.Layout.rgba8, .rgb16, .rgba16] {
            let decoded = try Image.decode(PNGWriter.encode(bgr: pixels, width: 64, height: 48, layout: layout))
            #expect(decoded.bgrPixels() == pixels, "\(layout) changed the pixels")
        }
        let gray = try Image.decode(PNGWriter.encode(bgr: pixels, width: 64, height: 48, layout: .gray8)).bgrPixels()
        #expect(gray.count == pixels.count)
        let neutral = stride(from: 0, to: gray.count, by: 3).allSatisfy { (i: Int) -> Bool in
            gray[i] == gray[i + 1] && gray[i + 1] == gray[i + 2]
        }
        #expect(neutral)
    }

    @Test("a 16-bit grayscale PNG decodes to the same picture as the 8-bit one")
    func gray16() throws {
        let pixels = try synthetic().bgrPixels()
        let gray8 = try Image.decode(PNGWriter.encode(bgr: pixels, width: 64, height: 48, layout: .gray8))
        let gray16 = try Image.decode(PNGWriter.encode(bgr: pixels, width: 64, height: 48, layout: .gray16))
        #expect(gray16.bgrPixels() == gray8.bgrPixels())
    }

    @Test("the decoded footprint is read from the header: 3 bytes a pixel, twice with an EXIF rotation")
    func decodedFootprint() throws {
        let pixels = try synthetic().bgrPixels()
        let png = PNGWriter.encode(bgr: pixels, width: 64, height: 48, layout: .rgba16)
        #expect(Image.decodedFootprint(of: png) == 64 * 48 * 3)
        let rotated = jpegWithOrientation(try synthetic().encoded(as: .jpeg), orientation: 6)
        #expect(Image.decodedFootprint(of: rotated) == 64 * 48 * 3 * 2)
        // Over the limits, or unreadable: decode refuses it before decoding, so nothing to reserve.
        #expect(Image.decodedFootprint(of: PNGWriter.lyingHeader(width: 50_000, height: 50_000)) == 0)
        #expect(Image.decodedFootprint(of: Array("not an image".utf8)) == 0)
    }

    @Test("a CMYK JPEG decodes with the right colours")
    func cmykJPEG() throws {
        let image = try Image.decode(Fixtures.bytes(Fixtures.bundled.appendingPathComponent("cmyk.jpg")))
        let pixels = image.bgrPixels()
        func bgr(_ x: Int, _ y: Int) -> [Int] { (0..<3).map { Int(pixels[(y * 64 + x) * 3 + $0]) } }
        func near(_ a: [Int], _ b: [Int]) -> Bool { zip(a, b).allSatisfy { abs($0 - $1) <= 40 } }
        #expect(near(bgr(10, 10), [0, 0, 255]), "top-left should be red, got \(bgr(10, 10))")
        #expect(near(bgr(50, 10), [0, 255, 0]), "top-right should be green, got \(bgr(50, 10))")
        #expect(near(bgr(10, 50), [255, 0, 0]), "bottom-left should be blue, got \(bgr(10, 50))")
        #expect(near(bgr(50, 50), [255, 255, 255]), "bottom-right should be white, got \(bgr(50, 50))")
    }

    @Test("EXIF orientation is read from the header and applied", arguments: [1, 3, 6, 8])
    func exifOrientation(orientation: Int) throws {
        let upright = try synthetic()
        // Store the picture as a camera would: pixels rotated, orientation tag saying how to undo it.
        let stored: Image =
            switch orientation {
            case 3: try upright.oriented(exif: 3)
            case 6: try upright.oriented(exif: 8)
            case 8: try upright.oriented(exif: 6)
            default: upright
            }
        let bytes = jpegWithOrientation(try stored.encoded(as: .jpeg, quality: 100), orientation: UInt16(orientation))
        #expect(try ImageHeader.read(bytes).orientation == orientation)
        let decoded = try Image.decode(bytes)
        #expect(decoded.width == 64 && decoded.height == 48)
        let a = decoded.bgrPixels()
        let b = upright.bgrPixels()
        let meanError = zip(a, b).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) } / a.count
        #expect(meanError < 4, "orientation \(orientation) left a mean error of \(meanError)")
    }

    @Test("an EXIF block with a damaged IFD is ignored rather than trusted")
    func damagedExif() throws {
        var bytes = jpegWithOrientation(try synthetic().encoded(as: .jpeg), orientation: 6)
        bytes[2 + 4 + 6 + 4] = 0xFF  // IFD offset now points past the segment
        #expect(try ImageHeader.read(bytes).orientation == 1)
        #expect(try Image.decode(bytes).width == 64)
    }
}
