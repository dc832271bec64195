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
    /// The first image is an ID document: its holder's portrait is found as `DocumentPortrait`
    /// describes and judged with `documentProfile`.
    public var firstIsDocument: Bool
    /// Profiles the faces are judged against; nil skips quality assessment.
    public var selfieProfile: QualityProfile?
    public var documentProfile: QualityProfile

    public init(
        threshold: Double? = nil, fmr: Double? = nil, selection: FaceSelection = .largest, strict: Bool = false,
        detection: DetectionOptions = .default, embedding: EmbeddingOptions = .default, firstIsDocument: Bool = false,
        selfieProfile: QualityProfile? = .selfie, documentProfile: QualityProfile = .document
    ) {
        self.firstIsDocument = firstIsDocument
        self.selfieProfile = selfieProfile
        self.documentProfile = documentProfile
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

    /// Every quality problem of either face, as `first:<reason>` / `second:<reason>`.
    public var qualityReasons: [String] {
        (first.quality?.reasons.map { "first:\($0)" } ?? []) + (second.quality?.reasons.map { "second:\($0)" } ?? [])
    }
}

extension FaceAnalyzer {
    /// Compares the chosen face of each image.
    /// - Throws: `no_face`, `multiple_faces` (strict), or an image error.
    public func verify(_ first: Image, _ second: Image, options: VerificationOptions = VerificationOptions())
        async throws
        -> VerificationResult
    {
        let decision = try pack.decisionThreshold(threshold: options.threshold, fmr: options.fmr)
        async let a = analyzeSide(first, "first image", options, asDocument: options.firstIsDocument)
        async let b = analyzeSide(second, "second image", options, asDocument: false)
        let (left, right) = try await (a, b)
        let similarity = left.embedding.similarity(to: right.embedding)
        return VerificationResult(
            similarity: similarity, threshold: decision.threshold, fmr: decision.fmr,
            isMatch: similarity >= decision.threshold, first: left, second: right)
    }

    /// Analyses one side of a comparison, naming the side in any error.
    private func analyzeSide(_ image: Image, _ side: String, _ options: VerificationOptions, asDocument: Bool)
        async throws -> FaceAnalysis
    {
        do {
            if asDocument {
                return try await analyzeDocument(
                    image, detection: options.detection, embedding: options.embedding, profile: options.documentProfile)
            }
            return try await analyze(
                image, detection: options.detection, selection: options.selection, strict: options.strict,
                embedding: options.embedding, quality: options.selfieProfile)
        } catch let error as FaceKitError {
            throw FaceKitError(error.code, "\(side): \(error.message)")
        }
    }
}
