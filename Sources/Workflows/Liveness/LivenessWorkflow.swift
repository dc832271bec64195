import FaceKit
import Gallery

/// Liveness with the identity check and the eKYC comparison, once for the HTTP API and the CLI:
/// judge a recorded challenge, then compare its best frame with an ID document or a subject.
public struct LivenessWorkflow: Sendable {
    public let faces: FaceWorkflows
    /// Needed only to compare with an enrolled subject.
    public let gallery: Gallery?

    public init(faces: FaceWorkflows, gallery: Gallery? = nil) {
        self.faces = faces
        self.gallery = gallery
    }

    public var analyzer: FaceAnalyzer { faces.analyzer }

    /// The threshold every template of the recording must reach against the reference frame
    /// (`OperatingPoint.livenessIdentityFMR`): stricter than 1:1, since a swap mid-recording is
    /// an attack and the frames of one genuine session are very alike.
    public func identityThreshold() throws -> Double {
        try OperatingPoint(
            pack: analyzer.pack, fmr: OperatingPoint.livenessIdentityFMR, defaultFMR: OperatingPoint.livenessIdentityFMR
        ).threshold
    }

    /// Judges the recording at `path` against `challenge`; with a comparison, also compares the
    /// reference frame's face at `verificationFMR` (the document side judged as an ID page).
    /// - Throws: `video_unreadable`, `video_too_long`, `no_face`, the document's decode errors
    ///   (named `document`), `not_found` for a subject that is gone, `uncalibrated_fmr`.
    public func analyze(
        videoAt path: String, challenge: LivenessChallenge, limits: LivenessLimits = LivenessLimits(),
        window: ClosedRange<Double>? = nil, comparison: LivenessComparison = .none,
        verificationFMR: Double = OperatingPoint.verifyFMR, documentLimits: ImageLimits = .default,
        session: String? = nil
    ) async throws -> LivenessDocument {
        let result = try await analyzer.analyzeLiveness(
            videoAt: path, challenge: challenge, identityThreshold: try identityThreshold(), limits: limits,
            window: window)
        var verification: LivenessVerificationDocument?
        if let reference = result.reference, let referenceImage = result.referenceImage {
            verification = try await compare(
                reference, image: referenceImage, with: comparison, fmr: verificationFMR, documentLimits: documentLimits
            )
        }
        return LivenessDocument(result, session: session, verification: verification)
    }

    private func compare(
        _ reference: FaceAnalysis, image: Image, with comparison: LivenessComparison, fmr: Double,
        documentLimits: ImageLimits
    ) async throws -> LivenessVerificationDocument? {
        let point = try OperatingPoint(pack: analyzer.pack, fmr: fmr, defaultFMR: fmr)
        switch comparison {
        case .none:
            return nil
        case .document(let bytes, let sha256):
            let document = try await faces.decode(bytes, field: "document", limits: documentLimits)
            let outcome = try await analyzer.verify(
                document, image, options: VerificationOptions(fmr: point.fmr, firstIsDocument: true))
            return LivenessVerificationDocument(
                against: .document, similarity: Rounding.score(outcome.similarity), threshold: outcome.threshold,
                fmr: outcome.fmr, decision: Decision(outcome.isMatch), documentSHA256: sha256)
        case .subject(let tenant, let subject):
            guard let gallery else { throw WorkflowError(.internalError, "no gallery to compare the subject with") }
            let outcome = try await gallery.verify(
                tenant: tenant, subject: subject, pack: analyzer.pack.id, vector: reference.embedding.vector,
                threshold: point.threshold)
            return LivenessVerificationDocument(
                against: .subject, similarity: Rounding.score(outcome.similarity), threshold: point.threshold,
                fmr: point.fmr, decision: Decision(outcome.match))
        }
    }

    /// Every action event of the recording at `path`, with the neutral face (`LivenessEventsDocument`).
    public func events(
        videoAt path: String, limits: LivenessLimits = LivenessLimits(), window: ClosedRange<Double>? = nil
    ) async throws -> LivenessEventsDocument {
        let thresholds = LivenessThresholds()
        let scan = try await analyzer.livenessEvents(
            videoAt: path, thresholds: thresholds, limits: limits, window: window)
        return LivenessEventsDocument(scan, sampleRate: thresholds.sampleRate)
    }

    /// Every challenge the service can issue and how each action is treated.
    public static func challenges() -> LivenessChallengesDocument { LivenessChallengesDocument() }
}
