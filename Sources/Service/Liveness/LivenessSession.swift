import FaceKit
import Foundation
import Gallery
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

        var name: String { stored.rawValue }

        /// The state as the store records it (the result or code goes in the row's `outcome`).
        var stored: LivenessSessionRecord.State {
            switch self {
            case .pending: .pending
            case .analysing: .analysing
            case .completed: .completed
            case .failed: .failed
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

/// The session as a row of the gallery's store, which keeps the challenge and the outcome as
/// JSON it does not read.
extension LivenessSession {
    /// What a finished session's `outcome` column holds.
    private struct Outcome: Codable {
        var result: LivenessDocument?
        var error: ProblemCode?
    }

    /// The session a row holds; `internal_error` for a row this version cannot read.
    init(_ record: LivenessSessionRecord) throws {
        func unreadable() -> Problem {
            Problem(.internalServerError, code: .internalError, detail: "liveness session \(record.id) is unreadable")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let challenge = try? decoder.decode(LivenessChallenge.self, from: Data(record.challenge.utf8)) else {
            throw unreadable()
        }
        let outcome = record.outcome.flatMap { try? decoder.decode(Outcome.self, from: Data($0.utf8)) }
        let state: State
        switch record.state {
        case .pending: state = .pending
        case .analysing: state = .analysing
        case .completed:
            guard let result = outcome?.result else { throw unreadable() }
            state = .completed(result)
        case .failed:
            guard let code = outcome?.error else { throw unreadable() }
            state = .failed(code)
        }
        self.init(
            id: record.id, tenant: record.tenant, challenge: challenge, expiresAt: record.expiresAt,
            captureTokenHash: record.captureTokenHash, subject: record.subject, state: state)
    }

    /// The row of this session, created at `createdAt`.
    func record(createdAt: Date) throws -> LivenessSessionRecord {
        LivenessSessionRecord(
            id: id, tenant: tenant, challenge: String(decoding: try DocumentEncoding.encode(challenge), as: UTF8.self),
            subject: subject, captureTokenHash: captureTokenHash, createdAt: createdAt, expiresAt: expiresAt,
            state: state.stored, outcome: try LivenessSession.outcome(state))
    }

    /// The `outcome` column for `state`: the decision or the failure's code, nil before either.
    static func outcome(_ state: State) throws -> String? {
        let outcome: Outcome
        switch state {
        case .pending, .analysing: return nil
        case .completed(let result): outcome = Outcome(result: result)
        case .failed(let code): outcome = Outcome(error: code)
        }
        return String(decoding: try DocumentEncoding.encode(outcome), as: UTF8.self)
    }
}
