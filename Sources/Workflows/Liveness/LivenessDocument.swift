import FaceKit

/// `liveness check --json` / `POST /v1/liveness/sessions/{id}/video`: the liveness decision on a
/// recording, and the comparison of its best frame with an ID document or an enrolled subject.
public struct LivenessDocument: Codable, Sendable, Equatable {
    /// The session the recording was uploaded to (HTTP only; the CLI has none).
    public var session: String?
    public var live: Bool
    /// 0…1: the weakest check's margin (0.5 exactly at its threshold).
    public var score: Double
    public var checks: [LivenessCheck]
    /// One stable code per failed check; empty when live.
    public var reasons: [LivenessReason]
    public var actions: [ActionOutcome]
    /// The best near-frontal frame's face, the one compared.
    public var reference: FaceDocument?
    public var verification: LivenessVerificationDocument?
    public var framesAnalysed: Int
    public var durationMs: Double

    enum CodingKeys: String, CodingKey {
        case session, live, score, checks, reasons, actions, reference, verification
        case framesAnalysed = "frames_analysed"
        case durationMs = "duration_ms"
    }

    public init(_ result: LivenessResult, session: String? = nil, verification: LivenessVerificationDocument? = nil) {
        self.session = session
        live = result.live
        score = result.score
        checks = result.checks
        reasons = result.reasons
        actions = result.actions
        reference = result.reference.map { FaceDocument($0.face, quality: $0.quality) }
        self.verification = verification
        framesAnalysed = result.framesAnalysed
        durationMs = result.durationMilliseconds
    }
}

/// The live face compared with an ID document or an enrolled subject, at an operating point.
public struct LivenessVerificationDocument: Codable, Sendable, Equatable {
    /// What the live face was compared with.
    public enum Against: String, Codable, Sendable {
        case document, subject
    }

    public var against: Against
    public var similarity: Double
    public var threshold: Double
    public var fmr: Double?
    public var decision: Decision
    /// SHA-256 (hex) of the document image compared, so the backend can tell which one it was.
    public var documentSHA256: String?

    enum CodingKeys: String, CodingKey {
        case against, similarity, threshold, fmr, decision
        case documentSHA256 = "document_sha256"
    }
}
