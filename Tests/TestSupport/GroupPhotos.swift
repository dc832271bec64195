import FaceKit
import Foundation

/// Group photos made from LFW portraits: each portrait cut to the middle of its frame (LFW
/// centres the labelled person; the cut drops bystanders at the edges) and pasted side by side.
public enum GroupPhotos {
    /// The middle of a 250×250 LFW image: the labelled face, no bystanders.
    public static func portrait(_ relative: String) throws -> Image {
        let image = try Image.decode(try Fixtures.lfw(relative))
        return try image.cropped(x: 50, y: 35, width: 150, height: 180)
    }

    /// The images side by side on a grey canvas with a 40-pixel gap, centred vertically.
    public static func sideBySide(_ images: [Image]) throws -> Image {
        let gap = 40
        let width = images.reduce(gap) { $0 + $1.width + gap }
        let height = (images.map(\.height).max() ?? 0) + 2 * gap
        var canvas = [UInt8](repeating: 128, count: width * height * 3)
        var left = gap
        for image in images {
            let pixels = image.bgrPixels()
            let top = (height - image.height) / 2
            for row in 0..<image.height {
                let source = row * image.width * 3
                let target = ((top + row) * width + left) * 3
                canvas.replaceSubrange(
                    target..<(target + image.width * 3), with: pixels[source..<(source + image.width * 3)])
            }
            left += image.width + gap
        }
        return try Image(bgr: canvas, width: width, height: height)
    }

    /// `sideBySide` of LFW portraits, encoded as PNG.
    public static func png(_ relatives: [String]) throws -> [UInt8] {
        try sideBySide(try relatives.map(portrait)).encoded(as: .png)
    }
}
