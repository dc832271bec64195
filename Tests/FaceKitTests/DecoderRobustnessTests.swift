import Testing

@testable import FaceKit

/// Damaged files must give a typed error or a picture — never a crash, a hang or an untyped error.
@Suite("Decoder robustness")
struct DecoderRobustnessTests {
    static let expectedCodes: Set<FaceKitError.Code> = [
        .imageUnreadable, .unsupportedFormat, .imageTooLarge, .imageTooSmall,
    ]

    @Test("mutated and truncated files of every format", arguments: ImageFormat.allCases)
    func mutations(format: ImageFormat) throws {
        var pixels: [UInt8] = []
        for y in 0..<40 { for x in 0..<48 { pixels += [UInt8(x * 5), UInt8(y * 6), UInt8((x * y) & 0xFF)] } }
        let original = try Image(bgr: pixels, width: 48, height: 40).encoded(as: format, quality: 80)
        var random = SplitMix64(seed: UInt64(original.count))  // reproducible from the seed
        var decoded = 0
        var rejected = 0
        for round in 0..<150 {
            var bytes = original
            switch round % 3 {
            case 0:  // flip a few bytes anywhere, headers included
                for _ in 0..<Int.random(in: 1...8, using: &random) {
                    bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                }
            case 1:  // cut the file short
                bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &random)))
            default:  // damage the first 64 bytes, where the header and its sizes live
                for _ in 0..<Int.random(in: 1...4, using: &random) {
                    bytes[Int.random(in: 0..<min(64, bytes.count), using: &random)] ^= UInt8.random(
                        in: 1...255, using: &random)
                }
            }
            do {
                let image = try Image.decode(bytes, limits: ImageLimits(maxPixels: 4_000_000, minSide: 8))
                #expect(image.width > 0 && image.height > 0)
                decoded += 1
            } catch let error as FaceKitError {
                #expect(Self.expectedCodes.contains(error.code), "round \(round): \(error)")
                rejected += 1
            }
        }
        #expect(decoded + rejected == 150)
        #expect(rejected > 0)
    }

    @Test(
        "16-bit, alpha and grey PNGs cut short or damaged give a typed error or a picture",
        arguments: [PNGWriter.Layout.rgba16, .gray16, .rgba8])
    func unusualPNGs(layout: PNGWriter.Layout) throws {
        var pixels: [UInt8] = []
        for y in 0..<40 { for x in 0..<48 { pixels += [UInt8(x * 5), UInt8(y * 6), UInt8((x * y) & 0xFF)] } }
        let original = PNGWriter.encode(bgr: pixels, width: 48, height: 40, layout: layout)
        var random = SplitMix64(seed: UInt64(original.count))
        for round in 0..<60 {
            var bytes = original
            if round % 2 == 0 {
                bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &random)))
            } else {
                for _ in 0..<Int.random(in: 1...6, using: &random) {
                    bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                }
            }
            do {
                let image = try Image.decode(bytes, limits: ImageLimits(maxPixels: 4_000_000, minSide: 8))
                #expect(image.bgrPixels().count == image.width * image.height * 3)
            } catch let error as FaceKitError {
                #expect(Self.expectedCodes.contains(error.code), "round \(round): \(error)")
            }
        }
    }
}
