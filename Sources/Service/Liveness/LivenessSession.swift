import FaceKit
import Foundation
import Workflows

/// A liveness session: a random challenge for one tenant, usable once, for a short time.
struct LivenessSession: Sendable {
    var id: String
    var tenant: String
    var challenge: LivenessChallenge
    var expiresAt: Date
    /// SHA-256 of the capture token, which lets a browser page (holding no API key) read the
    /// challenge and upload the recording for this session only.
    var captureTokenHash: Data
    /// The subject the reference face is compared with, when the session was created for one.
    var subject: String?
    var state: State = .pending

    enum State: Sendable {
        /// Waiting for its one recording.
        case pending
        /// The recording arrived and is being analysed.
        case analysing
        /// The decision, kept for the tenant's backend to read with its key (never trust the
        /// browser's copy).
        case completed(LivenessDocument)
        /// The recording could not be judged; the problem code.
        case failed(ProblemCode)

        var name: String {
            switch self {
            case .pending: "pending"
            case .analysing: "analysing"
            case .completed: "completed"
            case .failed: "failed"
            }
        }
    }

    var isPending: Bool {
        if case .pending = state { return true }
        return false
    }

    /// Still waiting for its recording past `expiresAt`; a used session does not expire.
    func isExpired(at now: Date) -> Bool { isPending && expiresAt < now }
}
