import FaceKit
import Foundation

/// The stateless face workflows: decode, detect, verify two images. Nothing is stored.
public struct FaceWorkflows: Sendable {
    public let analyzer: FaceAnalyzer
    /// Called with every stage timing (the service's metrics); the CLI passes nothing.
    public let observe: @Sendable (StageTimings) -> Void

    /// Faces that get landmarks, pose and quality in a detailed detection; the rest only their box
    /// and keypoints.
    public static let detailedFaces = 10

    public init(analyzer: FaceAnalyzer, observe: @escaping @Sendable (StageTimings) -> Void = { _ in }) {
        self.analyzer = analyzer
        self.observe = observe
    }

    /// Decodes image bytes, naming `field` (a form field, a file) in any error.
    public func decode(_ bytes: [UInt8], field: String, limits: ImageLimits = .default) async throws -> Image {
        let start = ContinuousClock.now
        do {
            let image = try await analyzer.decode(bytes, limits: limits)
            var timings = StageTimings()
            timings.decode = ContinuousClock.now - start
            observe(timings)
            return image
        } catch let error as FaceKitError {
            throw FaceKitError(error.code, "\(field): \(error.message)")
        }
    }

    /// Every face; with `details`, landmarks, pose and quality under `profile` (selfie by
    /// default) of the largest ones.
    public func detect(
        _ image: Image, options: DetectionOptions = .default, details: Bool, profile: QualityProfile = .selfie
    ) async throws -> DetectDocument {
        try await detectFaces(image, options: options, details: details, profile: profile).document
    }

    /// `detect`, with the detected faces themselves (to draw them, say).
    public func detectFaces(
        _ image: Image, options: DetectionOptions = .default, details: Bool, profile: QualityProfile = .selfie
    ) async throws -> (faces: [DetectedFace], document: DetectDocument) {
        let start = ContinuousClock.now
        let faces = try await analyzer.detect(in: image, options: options)
        var timings = StageTimings()
        timings.detect = ContinuousClock.now - start
        observe(timings)
        var documents: [FaceDocument] = []
        for (position, face) in faces.enumerated() {
            if details, position < Self.detailedFaces {
                let (quality, landmarks) = try await analyzer.assessQuality(
                    of: face, among: faces, in: image, profile: profile)
                documents.append(FaceDocument(face, landmarks: landmarks, quality: quality))
            } else {
                documents.append(FaceDocument(face))
            }
        }
        return (faces, DetectDocument(width: image.width, height: image.height, faces: documents))
    }

    /// 1:1: do the two images show the same person, at the options' operating point.
    public func verify(_ first: Image, _ second: Image, options: VerificationOptions) async throws -> VerifyDocument {
        if let fmr = options.fmr, options.threshold == nil {
            _ = try OperatingPoint(pack: analyzer.pack, fmr: fmr, defaultFMR: fmr)  // refused before inference
        }
        let result = try await analyzer.verify(first, second, options: options)
        observe(result.first.timings)
        observe(result.second.timings)
        return VerifyDocument(
            similarity: Rounding.score(result.similarity), threshold: result.threshold, fmr: result.fmr,
            decision: Decision(result.isMatch),
            faces: [
                FaceDocument(result.first.face, quality: result.first.quality),
                FaceDocument(result.second.face, quality: result.second.quality),
            ],
            faceCounts: [result.first.faces.count, result.second.faces.count], reasons: result.qualityReasons)
    }

    /// The one face of an image and its embedding, judged by `profile` when given.
    public func analyze(_ image: Image, field: String, settings: AnalysisSettings, profile: QualityProfile? = nil)
        async throws -> FaceAnalysis
    {
        do {
            let analysis = try await analyzer.analyze(
                image, detection: settings.detection, selection: settings.selection, embedding: settings.embedding,
                quality: profile)
            observe(analysis.timings)
            return analysis
        } catch let error as FaceKitError {
            throw FaceKitError(error.code, "\(field): \(error.message)")
        }
    }
}
