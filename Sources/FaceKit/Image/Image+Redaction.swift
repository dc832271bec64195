internal import CLikenessVision

/// How a redacted region is hidden.
public enum RedactionStyle: String, Sendable, Codable, CaseIterable {
    /// Shrunk to a few cells and smoothed back: no edge or feature survives.
    case blur
    /// Shrunk to a few cells and grown back as blocks.
    case pixelate
    /// Filled with black.
    case box
}

extension Image {
    /// Cells kept across a region's shorter side by blur and pixelate.
    ///
    /// Four cells across a face leave nothing an embedder or the detector can use: on LFW no
    /// blurred face is found again, and on the shared clips Likeness's own detector finds no face
    /// in any redacted frame, where eight cells let a blurred face match its original at FMR 1e-2
    /// and five still left a blurred head detectable in a few frames (docs/footage.md). The count,
    /// not a kernel in pixels, sets the strength, so a large face is hidden as well as a small one.
    public static let redactionCells = 4

    /// A copy with each region hidden; regions are clipped to the image.
    public func redacted(_ regions: [BoundingBox], style: RedactionStyle, cells: Int = Image.redactionCells) throws
        -> Image
    {
        guard cells >= 1 else { throw FaceKitError(.invalidArgument, "cells must be at least 1") }
        let rects = regions.map { lkv_rect(x0: $0.minX, y0: $0.minY, x1: $0.maxX, y1: $0.maxY) }
        let cStyle: lkv_redaction_style =
            switch style {
            case .blur: LKV_REDACT_BLUR
            case .pixelate: LKV_REDACT_PIXELATE
            case .box: LKV_REDACT_BOX
            }
        return try rects.withUnsafeBufferPointer { buffer in
            try Image.make("redact") {
                lkv_image_redact(handle, buffer.baseAddress, buffer.count, cStyle, Int32(cells), &$0)
            }
        }
    }
}

extension BoundingBox {
    /// Whether `point` lies inside the box (edges included).
    public func contains(_ point: Point) -> Bool {
        point.x >= minX && point.x <= maxX && point.y >= minY && point.y <= maxY
    }

    /// The box grown by `fraction` of its width and height on every side.
    public func expanded(by fraction: Double) -> BoundingBox {
        let dx = width * fraction
        let dy = height * fraction
        return BoundingBox(minX: minX - dx, minY: minY - dy, maxX: maxX + dx, maxY: maxY + dy)
    }
}
