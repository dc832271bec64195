import FaceKit

/// What the capture-token holder (the person's browser) hears of its upload: passed or failed,
/// and what the person could do differently.
///
/// Never a check's value or threshold, the score, the similarity, the reference face or the
/// subject: the browser is untrusted, and those would let an attacker tune a presentation attack
/// across sessions. The comparison's decision is folded into `status` (passed means live and, when
/// compared, the same person), with a generic hint, so a failed match is told apart from a failed
/// liveness check only as "not confirmed", never with a number. The backend reads the whole
/// `LivenessDocument` with its API key.
public struct LivenessCaptureDocument: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        case passed, failed
    }

    /// One thing the person can do about a failure, with a stable code for an app that words it
    /// itself.
    public struct Hint: Codable, Sendable, Equatable {
        public var code: LivenessHint
        public var message: String

        public init(_ code: LivenessHint) {
            self.code = code
            message = code.message
        }
    }

    public var session: String?
    public var status: Status
    /// Empty when passed; each hint once, in the order of the checks that failed.
    public var reasons: [Hint]

    public init(session: String?, status: Status, reasons: [Hint]) {
        self.session = session
        self.status = status
        self.reasons = reasons
    }

    /// The browser's share of `document`.
    public init(_ document: LivenessDocument) {
        let matched = document.verification.map { $0.decision.isMatch } ?? true
        var hints: [LivenessHint] = []
        for reason in document.reasons {
            let hint = LivenessHint(reason)
            if !hints.contains(hint) { hints.append(hint) }
        }
        // The mismatch is told only when nothing else failed: with a liveness hint already given,
        // adding it would say the match failed too.
        if document.live && !matched { hints = [.notConfirmed] }
        if !document.live && hints.isEmpty { hints = [.notConfirmed] }
        self.init(
            session: document.session, status: document.live && matched ? .passed : .failed,
            reasons: hints.map(Hint.init))
    }
}
