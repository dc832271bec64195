/// An image that failed the enrolment quality profile, by the name its errors use (`image[1]`,
/// a file path), with the failed checks' stable codes (`face_too_small`, `blurred`, …).
public struct RejectedImage: Codable, Sendable, Equatable {
    public var image: String
    public var reasons: [String]

    public init(image: String, reasons: [String]) {
        self.image = image
        self.reasons = reasons
    }
}
