import Foundation
import TestSupport
import Testing

@testable import FaceKit

/// The fuzz targets' seeds (Fuzz/Corpus) and every input a fuzz run ever failed on
/// (Fuzz/Regressions/<target>/), replayed through the same calls as the targets (docs/fuzzing.md):
/// each must get an answer or a typed error, never a trap.
@Suite("Fuzz regressions (FaceKit)")
struct FuzzRegressionTests {
    static let imageCodes: Set<FaceKitError.Code> = [
        .imageUnreadable, .unsupportedFormat, .imageTooLarge, .imageTooSmall,
    ]
    /// The image-decode target's limits.
    static let limits = ImageLimits(maxBytes: 1_000_000, maxPixels: 4_000_000, minSide: 1)

    @Test("image seeds and regressions: the header reader and the decoder answer or throw a typed error")
    func images() throws {
        let inputs = try FuzzInputs.files(corpus: "images", targets: ["image-header", "image-decode"])
        #expect(inputs.count >= 5)
        for (name, bytes) in inputs {
            do {
                let header = try ImageHeader.read(bytes)
                #expect(header.width > 0 && header.height > 0, "\(name)")
                #expect((1...8).contains(header.orientation), "\(name)")
            } catch let error as FaceKitError {
                #expect(Self.imageCodes.contains(error.code), "\(name): \(error)")
            }
            do {
                let image = try Image.decode(bytes, limits: Self.limits)
                #expect(image.width > 0 && image.height > 0, "\(name)")
                let redacted = try image.redacted(
                    [BoundingBox(minX: -10, minY: 5, maxX: Double(image.width) + 10, maxY: 20)], style: .pixelate)
                #expect(redacted.width == image.width && redacted.height == image.height, "\(name)")
            } catch let error as FaceKitError {
                #expect(Self.imageCodes.contains(error.code), "\(name): \(error)")
            }
        }
    }

    /// Found by the image-decode target (2026-12-02, issue 17): gray.tiff (40×32) with RowsPerStrip
    /// raised from 32 to 16,515,271, one byte changed. The header's 1,280 pixels pass every limit, but
    /// OpenCV 4.6 sizes its strip buffer as width × RowsPerStrip × 4: malloc(2,642,443,360) in
    /// `cv::imdecode`, past the decoded-pixel budget (only the 32 real rows are then written).
    @Test("a TIFF whose strips are taller than the image is refused before OpenCV sizes a strip buffer")
    func tiffRowsPerStripAboveHeight() throws {
        let bytes = try Fixtures.bytes(
            FuzzInputs.root.appendingPathComponent("Regressions/image-decode/tiff-rows-per-strip-16515271.tiff"))
        let error = #expect(throws: FaceKitError.self) { try Image.decode(bytes) }
        #expect(error.map { [.imageUnreadable, .imageTooLarge].contains($0.code) } == true)
    }

    @Test("video seeds and regressions: the container check answers WebM, MP4 or nil")
    func videos() throws {
        let inputs = try FuzzInputs.files(corpus: "video-container", targets: ["video-container"])
        #expect(inputs.count >= 3)
        for (name, bytes) in inputs {
            let container = VideoContainer.sniff(bytes)
            // The seeds are named for what they are; a regression input may be anything.
            if name.hasSuffix(".webm") || name.hasSuffix(".mkv") { #expect(container == .webm, "\(name)") }
            if name.hasSuffix(".mp4") || name.hasSuffix(".mov") { #expect(container == .mp4, "\(name)") }
            if name.hasSuffix(".m3u8") || name.hasSuffix(".ffconcat") || name.hasSuffix(".png") {
                #expect(container == nil, "\(name)")
            }
        }
    }
}

/// The files a fuzz target starts from and the inputs it once failed on.
enum FuzzInputs {
    static let root = Fixtures.repositoryRoot.appendingPathComponent("Fuzz")

    /// Name and bytes of every file in Fuzz/Corpus/<corpus> and Fuzz/Regressions/<target> (a missing
    /// Regressions folder means no failure has been found yet).
    static func files(corpus: String, targets: [String]) throws -> [(name: String, bytes: [UInt8])] {
        let folders =
            [root.appendingPathComponent("Corpus/\(corpus)")]
            + targets.map { root.appendingPathComponent("Regressions/\($0)") }
        var files: [(name: String, bytes: [UInt8])] = []
        for folder in folders {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            for name in names.sorted() {
                files.append((name, try Fixtures.bytes(folder.appendingPathComponent(name))))
            }
        }
        return files
    }
}
