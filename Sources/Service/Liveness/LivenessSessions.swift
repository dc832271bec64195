import Crypto
import FaceKit
import Foundation
import Gallery
import Tokens
import Workflows

/// The liveness sessions, kept in the gallery's store: every node on the store serves every
/// session, whichever node created it, and a restart ends none of them.
///
/// A thin layer: the store makes the decisions that must hold across nodes (a tenant's
/// capacity, the one upload a session takes); this actor draws ids and tokens, converts
/// sessions to rows and back, and sweeps expired rows now and then.
actor LivenessSessions {
    /// Draws a session's challenge from `count` (nil: 2 or 3) and the allowed actions.
    typealias ChallengeSource = @Sendable (_ count: Int?, _ allowed: Set<LivenessAction>) throws -> LivenessChallenge

    let lifetime: TimeInterval
    /// The most sessions one tenant may have pending and unexpired at once, counted over every
    /// node: one tenant's burst cannot take the others' room.
    let capacity: Int
    /// The least time between two sweeps started by this node.
    let sweepInterval: TimeInterval
    /// How long a row is kept past its expiry, so that a late upload still hears "expired"
    /// rather than "not found".
    static let retention = LivenessSessionRecord.retention
    /// The time sessions expire by; injectable so tests advance it instead of sleeping.
    nonisolated let now: @Sendable () -> Date
    /// Random by default; a test injects a fixed challenge that matches a real clip.
    nonisolated let challenges: ChallengeSource
    /// Nil until the router puts these settings over its gallery's store (`over(_:)`).
    private let store: (any LivenessSessionStore)?
    private var lastSweep: Date?

    /// Settings for sessions; the router puts them over its gallery's store.
    init(
        lifetime: TimeInterval, capacity: Int = 1_000, sweepInterval: TimeInterval = 60,
        now: @escaping @Sendable () -> Date = { Date() },
        challenges: @escaping ChallengeSource = { try LivenessChallenge.random(count: $0, from: $1) }
    ) {
        self.init(
            lifetime: lifetime, capacity: capacity, sweepInterval: sweepInterval, now: now, challenges: challenges,
            store: nil)
    }

    private init(
        lifetime: TimeInterval, capacity: Int, sweepInterval: TimeInterval, now: @escaping @Sendable () -> Date,
        challenges: @escaping ChallengeSource, store: (any LivenessSessionStore)?
    ) {
        self.lifetime = lifetime
        self.capacity = capacity
        self.sweepInterval = sweepInterval
        self.now = now
        self.challenges = challenges
        self.store = store
    }

    /// Sessions with these settings, kept in `store`.
    nonisolated func over(_ store: any LivenessSessionStore) -> LivenessSessions {
        LivenessSessions(
            lifetime: lifetime, capacity: capacity, sweepInterval: sweepInterval, now: now, challenges: challenges,
            store: store)
    }

    private var sessionStore: any LivenessSessionStore {
        guard let store else { preconditionFailure("liveness sessions used before being put over a store") }
        return store
    }

    /// Creates a session; returns it with the capture token (shown once).
    ///
    /// - Throws: `overloaded` (503) when the tenant has `capacity` sessions pending already.
    func create(tenant: String, challenge: LivenessChallenge, subject: String?) async throws
        -> (LivenessSession, String)
    {
        let created = now()
        await sweepIfDue(at: created)
        let id = "ls_" + RandomToken.hex(bytes: 12)
        let token = "lc_" + RandomToken.hex(bytes: 24)
        let session = LivenessSession(
            id: id, tenant: tenant, challenge: challenge, expiresAt: created.addingTimeInterval(lifetime),
            captureTokenHash: LivenessSessions.hash(token), subject: subject)
        let record = try session.record(createdAt: created)
        guard try await sessionStore.insertLivenessSession(record, capacityPerTenant: capacity) else {
            // Each of the tenant's pending sessions expires within `lifetime` (or is used sooner),
            // so a slot is free by then at the latest. Only this tenant is refused: the count is
            // of its own sessions, pending and unexpired, never of expired rows kept for a late
            // upload's 410.
            throw Problem(
                .serviceUnavailable, code: .overloaded, detail: "too many open liveness sessions for this tenant",
                extensions: [:], retryAfter: max(1, Int(lifetime.rounded(.up))))
        }
        // As the store holds it (times in whole milliseconds), so every node shows the same.
        return (try LivenessSession(record), token)
    }

    /// The session in any state, until it is swept a while after its expiry.
    func session(_ id: String) async throws -> LivenessSession? {
        try await sessionStore.livenessSession(id: id).map(LivenessSession.init)
    }

    /// Starts the analysis of the session's one recording; false when it was used already (on
    /// any node), expired or missing.
    func consume(_ id: String) async throws -> Bool {
        try await sessionStore.consumeLivenessSession(id: id, now: now())
    }

    /// Keeps the outcome of the analysis for the backend.
    func finish(_ id: String, _ state: LivenessSession.State) async throws {
        let store = sessionStore
        let outcome = try LivenessSession.outcome(state)
        let time = now()
        // In a task of its own: an upload whose request was cancelled mid-analysis must still
        // record its failure, and the store refuses work in a cancelled task.
        _ = try await Task {
            try await store.finishLivenessSession(id: id, state: state.stored, outcome: outcome, now: time)
        }.value
    }

    /// Deletes the sessions that expired more than `retention` ago; how many.
    @discardableResult
    func sweep() async throws -> Int {
        lastSweep = now()
        return try await sessionStore.sweepLivenessSessions(
            expiredBefore: now().addingTimeInterval(-LivenessSessions.retention))
    }

    /// Sweeps when this node has not for `sweepInterval`. Each node sweeps for itself, so rows
    /// are swept as long as any node creates sessions; a failed sweep waits for the next turn
    /// rather than failing the creation.
    private func sweepIfDue(at time: Date) async {
        if let lastSweep, time.timeIntervalSince(lastSweep) < sweepInterval, lastSweep <= time { return }
        _ = try? await sweep()
    }

    static func hash(_ token: String) -> Data { Data(SHA256.hash(data: Data(token.utf8))) }
}
