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
    /// Five cells across a face leave no eye or mouth an embedder can use: on LFW a blurred face's
    /// best similarity to its original stays well under the FMR 1e-2 threshold, where eight cells
    /// reached it (docs/footage.md). The count, not a kernel in pixels, sets the strength, so a
    /// large face is hidden as well as a small one.
    public static let redactionCells = 5

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
