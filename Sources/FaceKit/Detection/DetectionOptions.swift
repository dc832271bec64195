/// How the detector runs and which faces it reports.
public struct DetectionOptions: Sendable, Equatable {
    /// The detector's square input size.
    public enum InputSize: Sendable, Equatable {
        /// The smallest size the model pack provides that holds the image's long side without
        /// shrinking it (the largest size for bigger images), together with the pack's smallest
        /// size, which finds faces that fill the frame.
        case automatic
        /// A fixed input size, which must be one the model pack provides.
        case fixed(Int)
    }

    /// Faces scoring below this are dropped.
    public var scoreThreshold: Double
    /// Faces whose box is narrower or shorter than this many pixels are dropped.
    public var minFaceSize: Double
    /// Overlap above which the lower-scoring of two boxes is suppressed.
    public var nmsThreshold: Double
    /// The input size policy.
    public var inputSize: InputSize

    public init(
        scoreThreshold: Double = 0.5, minFaceSize: Double = 0, nmsThreshold: Double = 0.4,
        inputSize: InputSize = .automatic
    ) {
        self.scoreThreshold = scoreThreshold
        self.minFaceSize = minFaceSize
        self.nmsThreshold = nmsThreshold
        self.inputSize = inputSize
    }

    public static let `default` = DetectionOptions()

    func validate() throws {
        guard (0...1).contains(scoreThreshold) else {
            throw FaceKitError(.invalidArgument, "score threshold must be in 0...1")
        }
        guard (0...1).contains(nmsThreshold) else {
            throw FaceKitError(.invalidArgument, "NMS threshold must be in 0...1")
        }
        guard minFaceSize >= 0 else { throw FaceKitError(.invalidArgument, "minimum face size must not be negative") }
    }
}
