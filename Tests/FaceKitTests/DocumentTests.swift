import Foundation
import TestSupport
import Testing

@testable import FaceKit

@Suite(
    "ID document portraits",
    .enabled(if: Fixtures.needsModelsAndData, "models or ../shared/data missing (developer machine): skipped"))
struct DocumentTests {
    func page() throws -> Image { try Image.decode(Fixtures.passport()) }

    /// The homography taking four points onto four others (direct linear solve, h33 = 1).
    static func homography(from src: [Point], to dst: [Point]) -> [Double] {
        var a = [[Double]](repeating: [Double](repeating: 0, count: 9), count: 8)
        for i in 0..<4 {
            let (x, y, u, v) = (src[i].x, src[i].y, dst[i].x, dst[i].y)
            a[2 * i] = [x, y, 1, 0, 0, 0, -u * x, -u * y, u]
            a[2 * i + 1] = [0, 0, 0, x, y, 1, -v * x, -v * y, v]
        }
        for col in 0..<8 {
            let pivot = (col..<8).max { abs(a[$0][col]) < abs(a[$1][col]) }!
            a.swapAt(col, pivot)
            for row in 0..<8 where row != col {
                let f = a[row][col] / a[col][col]
                for k in col..<9 { a[row][k] -= f * a[col][k] }
            }
        }
        return (0..<8).map { a[$0][8] / a[$0][$0] } + [1]
    }

    func transformed(_ name: String, _ image: Image) throws -> Image {
        let w = Double(image.width)
        let h = Double(image.height)
        switch name {
        case "jpeg30": return try Image.decode(image.encoded(as: .jpeg, quality: 30))
        case "blur": return try image.blurred(sigma: 1.5)
        case "rotate+10": return try image.rotated(degrees: 10)
        case "rotate-10": return try image.rotated(degrees: -10)
        case "perspective":
            // A phone held below and to the left of the page: the far edge shrinks.
            let corners = [Point(x: 0, y: 0), Point(x: w, y: 0), Point(x: w, y: h), Point(x: 0, y: h)]
            let seen = [
                Point(x: 0.10 * w, y: 0.06 * h), Point(x: 0.93 * w, y: 0.0), Point(x: w, y: h),
                Point(x: 0.0, y: 0.95 * h),
            ]
            return try image.warpedPerspective(
                by: Self.homography(from: corners, to: seen), width: image.width, height: image.height)
        case "small":
            return try image.resized(width: Int(w * 0.3), height: Int(h * 0.3))
        default: fatalError("unknown transform \(name)")
        }
    }

    @Test("the holder's portrait is found and passes the document profile")
    func portraitFound() async throws {
        let analysis = try await Fixtures.analyzer().analyzeDocument(page())
        #expect(analysis.face.box.center.x < 450 && (300...550).contains(analysis.face.box.center.y))
        let quality = try #require(analysis.quality)
        #expect(quality.profile == "document")
        #expect(quality.passed, "reasons: \(quality.reasons)")
        #expect(analysis.upsampling == 1)
    }

    @Test(
        "the portrait matches itself after photometric and geometric changes",
        arguments: ["jpeg30", "blur", "rotate+10", "rotate-10", "perspective", "small"])
    func robustMatch(change: String) async throws {
        let analyzer = try Fixtures.analyzer()
        let original = try page()
        let changed = try transformed(change, original)
        let result = try await analyzer.verify(
            changed, original, options: VerificationOptions(firstIsDocument: true, selfieProfile: .document))
        #expect(result.isMatch, "\(change): similarity \(result.similarity)")
        #expect(result.similarity > 0.6, "\(change): similarity \(result.similarity)")
        #expect(result.fmr == 1e-4)
        if change == "small" {
            #expect(result.first.upsampling > 1.5, "a small portrait is enlarged before analysis")
            #expect(result.first.face.box.width < 80, "the face is reported in page coordinates")
        }
    }

    @Test("a page with no face at all gives no_face, naming the document side")
    func blankDocument() async throws {
        var pixels: [UInt8] = []
        for y in 0..<400 { for x in 0..<900 { pixels += [UInt8(200 + (x % 7)), UInt8(210 + (y % 5)), 220] } }
        let blank = try Image(bgr: pixels, width: 900, height: 400)
        let error = await #expect(throws: FaceKitError.self) {
            try await Fixtures.analyzer().verify(blank, try page(), options: VerificationOptions(firstIsDocument: true))
        }
        #expect(error?.code == .noFace)
        #expect(error?.message.hasPrefix("first image") == true)
    }
}
