import Crypto
import FaceKit
import Foundation
import Tokens
import Workflows

/// The live sessions, in memory: they last seconds, so a restart simply ends them.
actor LivenessSessions {
    /// Draws a session's challenge from `count` (nil: 2 or 3) and the allowed actions.
    typealias ChallengeSource = @Sendable (_ count: Int?, _ allowed: Set<LivenessAction>) throws -> LivenessChallenge

    private var sessions: [String: LivenessSession] = [:]
    let lifetime: TimeInterval
    let capacity: Int
    /// The time sessions expire by; injectable so tests advance it instead of sleeping.
    nonisolated let now: @Sendable () -> Date
    /// Random by default; a test injects a fixed challenge that matches a real clip.
    nonisolated let challenges: ChallengeSource

    init(
        lifetime: TimeInterval, capacity: Int = 10_000, now: @escaping @Sendable () -> Date = { Date() },
        challenges: @escaping ChallengeSource = { try LivenessChallenge.random(count: $0, from: $1) }
    ) {
        self.lifetime = lifetime
        self.capacity = capacity
        self.now = now
        self.challenges = challenges
    }

    /// Creates a session; returns it with the capture token (shown once).
    func create(tenant: String, challenge: LivenessChallenge, subject: String?) throws -> (LivenessSession, String) {
        purge()
        guard sessions.count < capacity else {
            throw Problem(
                .serviceUnavailable, code: .overloaded, detail: "too many open liveness sessions", extensions: [:],
                retryAfter: Int(lifetime))
        }
        let id = "ls_" + RandomToken.hex(bytes: 12)
        let token = "lc_" + RandomToken.hex(bytes: 24)
        let session = LivenessSession(
            id: id, tenant: tenant, challenge: challenge, expiresAt: now().addingTimeInterval(lifetime),
            captureTokenHash: LivenessSessions.hash(token), subject: subject)
        sessions[id] = session
        return (session, token)
    }

    /// The session in any state, until it is purged a while after its expiry.
    func session(_ id: String) -> LivenessSession? { sessions[id] }

    /// Starts the analysis of the session's one recording; false when it was used already,
    /// expired or missing.
    func consume(_ id: String) -> Bool {
        guard var session = sessions[id], session.isPending, !session.isExpired(at: now()) else { return false }
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
        let cutoff = now().addingTimeInterval(-600)
        sessions = sessions.filter { $0.value.expiresAt > cutoff }
    }

    static func hash(_ token: String) -> Data { Data(SHA256.hash(data: Data(token.utf8))) }
}
