/// Bounds checked before and after decoding an image.
public struct ImageLimits: Sendable, Equatable {
    /// Largest accepted encoded size in bytes.
    public var maxBytes: Int
    /// Largest accepted pixel count (width × height).
    public var maxPixels: Int
    /// Smallest accepted width and height.
    public var minSide: Int

    public init(maxBytes: Int = 20_000_000, maxPixels: Int = 40_000_000, minSide: Int = 32) {
        self.maxBytes = maxBytes
        self.maxPixels = maxPixels
        self.minSide = minSide
    }

    /// 20 MB, 40 megapixels, 32 pixels per side.
    public static let `default` = ImageLimits()
}
