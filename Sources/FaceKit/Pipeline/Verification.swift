/// Options for a one-to-one comparison.
public struct VerificationOptions: Sendable, Equatable {
    /// Similarity at or above which the decision is a match; overrides `fmr`.
    public var threshold: Double?
    /// The false-match rate to decide at, one the model pack is calibrated for; nil uses
    /// `ModelPack.defaultFMR` (1e-4).
    public var fmr: Double?
    public var selection: FaceSelection
    /// Fail with `multiple_faces` when an image holds more than one large face.
    public var strict: Bool
    public var detection: DetectionOptions
    public var embedding: EmbeddingOptions

    public init(
        threshold: Double? = nil, fmr: Double? = nil, selection: FaceSelection = .largest, strict: Bool = false,
        detection: DetectionOptions = .default, embedding: EmbeddingOptions = .default
    ) {
        self.threshold = threshold
        self.fmr = fmr
        self.selection = selection
        self.strict = strict
        self.detection = detection
        self.embedding = embedding
    }
}

/// The outcome of comparing two images.
public struct VerificationResult: Sendable {
    /// Cosine similarity of the two chosen faces.
    public var similarity: Double
    /// The threshold the decision used.
    public var threshold: Double
    /// The false-match rate the threshold is calibrated to (nil for a raw threshold).
    public var fmr: Double?
    /// True when `similarity >= threshold`.
    public var isMatch: Bool
    /// The analysis of each image (all faces, the chosen one, its template).
    public var first: FaceAnalysis
    public var second: FaceAnalysis
}

extension FaceAnalyzer {
    /// Compares the chosen face of each image.
    /// - Throws: `no_face`, `multiple_faces` (strict), or an image error.
    public func verify(_ first: Image, _ second: Image, options: VerificationOptions = VerificationOptions())
        async throws
        -> VerificationResult
    {
        let decision = try pack.decisionThreshold(threshold: options.threshold, fmr: options.fmr)
        async let a = analyzeSide(first, "first image", options)
        async let b = analyzeSide(second, "second image", options)
        let (left, right) = try await (a, b)
        let similarity = left.embedding.similarity(to: right.embedding)
        return VerificationResult(
            similarity: similarity, threshold: decision.threshold, fmr: decision.fmr,
            isMatch: similarity >= decision.threshold, first: left, second: right)
    }

    /// Analyses one side of a comparison, naming the side in any error.
    private func analyzeSide(_ image: Image, _ side: String, _ options: VerificationOptions) async throws
        -> FaceAnalysis
    {
        do {
            return try await analyze(
                image, detection: options.detection, selection: options.selection, strict: options.strict,
                embedding: options.embedding)
        } catch let error as FaceKitError {
            throw FaceKitError(error.code, "\(side): \(error.message)")
        }
    }
}
