import Foundation
import Workflows

/// A liveness session as the API answers it. The capture-token holder gets the challenge and the
/// state only; the tenant's key also gets the subject and, once judged, the decision.
struct LivenessSessionBody: Encodable {
    var id: String
    var challenge: [String]
    var instructions: [String]
    var expiresAt: Date
    var state: String
    var captureToken: String?
    var captureURL: String?
    var subject: String?
    /// The decision, for the tenant's key once the recording is judged.
    var result: LivenessDocument?
    /// The problem code when the recording could not be judged.
    var error: ProblemCode?

    enum CodingKeys: String, CodingKey {
        case id, challenge, instructions, state, subject, result, error
        case expiresAt = "expires_at"
        case captureToken = "capture_token"
        case captureURL = "capture_url"
    }

    /// The session for the tenant's key; with `token` (at creation) the capture token and link.
    init(_ session: LivenessSession, state: String, token: String? = nil) {
        id = session.id
        challenge = session.challenge.actions.map(\.rawValue)
        instructions = session.challenge.actions.map(\.instruction)
        expiresAt = session.expiresAt
        self.state = state
        captureToken = token
        captureURL = token.map { Self.captureURL(session: session.id, token: $0) }
        subject = session.subject
    }

    /// The capture page's link: the session and token in the fragment, which the browser never
    /// sends to a server (no access log, no `Referer`); the page reads it, then clears it.
    static func captureURL(session: String, token: String) -> String {
        "/capture#session=\(session)&token=\(token)"
    }

    /// The session for its capture-token holder: no subject (whom the face is compared with is the
    /// backend's business), no decision.
    static func forCaptureToken(_ session: LivenessSession) -> LivenessSessionBody {
        var body = LivenessSessionBody(session, state: session.state.name)
        body.subject = nil
        return body
    }
}
