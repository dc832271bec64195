/// The one rounding policy of every result document: pixel coordinates and angles to 2 decimals,
/// scores and similarities to 4.
public enum Rounding {
    /// Pixel coordinates, sizes and angles in degrees.
    public static func coordinate(_ value: Double) -> Double { (value * 100).rounded() / 100 }
    /// Similarities, detector and quality scores.
    public static func score(_ value: Double) -> Double { (value * 10_000).rounded() / 10_000 }
    public static func score(_ value: Float) -> Double { score(Double(value)) }
    /// Openness ratios of eyes and mouth.
    public static func ratio(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
}
