internal import CLikenessVision
import Foundation

extension Image {
    /// A copy with each face's box, score and five keypoints drawn on it.
    public func annotated(with faces: [DetectedFace]) throws -> Image {
        let copy = try Image.make("clone") { lkv_image_clone(handle, &$0) }
        let thickness = Int32(max(1, min(width, height) / 300))
        let dot = Double(max(2, min(width, height) / 200))
        let palette: [(UInt8, UInt8, UInt8)] = [
            (255, 64, 64), (64, 200, 255), (64, 255, 64), (255, 64, 255), (255, 200, 0),
        ]
        for (index, face) in faces.enumerated() {
            let b = face.box
            lkv_image_draw_rect(copy.handle, b.minX, b.minY, b.maxX, b.maxY, 0, 255, 0, thickness)
            for (k, point) in face.keypoints.enumerated() {
                let c = palette[k % palette.count]
                lkv_image_draw_circle(copy.handle, point.x, point.y, dot, c.0, c.1, c.2)
            }
            let label = "#\(index + 1) \(String(format: "%.2f", face.score))"
            lkv_image_draw_text(copy.handle, label, b.minX, max(12, b.minY - 4), max(0.4, b.width / 250), 0, 255, 0)
        }
        return copy
    }
}
