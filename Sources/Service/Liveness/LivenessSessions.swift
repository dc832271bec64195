import Crypto
import FaceKit
import Foundation

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
        case completed(LivenessController.Answer)
        /// The recording could not be judged; the problem code.
        case failed(String)

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
    var isExpired: Bool { isPending && expiresAt < Date() }
}

/// The live sessions, in memory: they last seconds, so a restart simply ends them.
actor LivenessSessions {
    private var sessions: [String: LivenessSession] = [:]
    let lifetime: TimeInterval
    let capacity: Int

    init(lifetime: TimeInterval, capacity: Int = 10_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// Creates a session; returns it with the capture token (shown once).
    func create(tenant: String, challenge: LivenessChallenge, subject: String?) throws -> (LivenessSession, String) {
        purge()
        guard sessions.count < capacity else {
            throw Problem(
                .serviceUnavailable, code: "overloaded", detail: "too many open liveness sessions", extensions: [:],
                retryAfter: Int(lifetime))
        }
        let id = "ls_" + LivenessSessions.token(bytes: 12)
        let token = "lc_" + LivenessSessions.token(bytes: 24)
        let session = LivenessSession(
            id: id, tenant: tenant, challenge: challenge, expiresAt: Date().addingTimeInterval(lifetime),
            captureTokenHash: LivenessSessions.hash(token), subject: subject)
        sessions[id] = session
        return (session, token)
    }

    /// The session in any state, until it is purged a while after its expiry.
    func session(_ id: String) -> LivenessSession? { sessions[id] }

    /// Starts the analysis of the session's one recording; false when it was used already,
    /// expired or missing.
    func consume(_ id: String) -> Bool {
        guard var session = sessions[id], session.isPending, !session.isExpired else { return false }
        session.state = .analysing
        sessions[id] = session
        return true
    }

    /// Keeps the outcome of the analysis for the backend.
    func finish(_ id: String, _ state: LivenessSession.State) {
        sessions[id]?.state = state
    }

    /// Forgets sessions a while after they expired (so a late upload still hears "expired").
    private func purge() {
        let cutoff = Date().addingTimeInterval(-600)
        sessions = sessions.filter { $0.value.expiresAt > cutoff }
    }

    static func hash(_ token: String) -> Data { Data(SHA256.hash(data: Data(token.utf8))) }

    static func token(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}
