import Foundation

/// The outcome of checking the audit chain.
public struct AuditVerification: Sendable, Equatable {
    /// One break in the chain, located by sequence number.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public enum Kind: String, Sendable {
            /// The event's content no longer matches its MAC.
            case edited
            /// The event was not written by Likeness: removing it makes the chain whole again.
            case inserted
            /// Events are missing before this one.
            case deleted
            /// The chain ends before the head anchored outside the database (events were cut
            /// off the end), or the anchored event was replaced; located at the anchored sequence.
            case truncated
            /// The head file outside the database does not authenticate (edited, or another
            /// gallery's); located at sequence 0.
            case headInvalid = "head_invalid"
        }
        public var kind: Kind
        public var sequence: Int64
        public var detail: String

        public var description: String { "\(kind.rawValue) at event \(sequence): \(detail)" }
    }

    /// What the head anchored outside the database says about the chain's end.
    public struct Head: Sendable, Equatable {
        public enum State: String, Sendable {
            /// The chain ends at the anchored head.
            case current
            /// The chain goes on past the anchored head (appended by another node, or the
            /// last head write was lost): no break.
            case behind
            /// There is no head file yet (a fresh gallery, or one that no version writing head
            /// files has appended to): truncation cannot be checked.
            case missing
            /// The head file does not authenticate (a `head_invalid` problem).
            case invalid
            /// The chain ends before the anchored head (a `truncated` problem).
            case truncated
        }
        public var state: State
        /// The anchored sequence number, when the file holds a valid head.
        public var sequence: Int64?
        /// Where the head file is (for an operator; not for a tenant's eyes).
        public var file: String
    }

    public var events: Int
    public var problems: [Problem]
    /// Nil when the gallery has no place for a head file (opened on a bare store).
    public var head: Head?
    public var isIntact: Bool { problems.isEmpty }

    public init(events: Int, problems: [Problem], head: Head? = nil) {
        self.events = events
        self.problems = problems
        self.head = head
    }

    /// Compares the chain's end with the anchored head, adding the break it shows (if any).
    static func check(_ events: [AuditEvent], signer: AuditSigner, headFile: AuditHeadFile?) -> AuditVerification {
        var verification = check(events, signer: signer)
        guard let headFile else { return verification }
        let file = headFile.url.path
        switch headFile.read() {
        case .missing:
            verification.head = Head(state: .missing, sequence: nil, file: file)
        case .invalid(let reason):
            verification.head = Head(state: .invalid, sequence: nil, file: file)
            verification.problems.append(
                Problem(kind: .headInvalid, sequence: 0, detail: "the audit head file is invalid: \(reason)"))
        case .head(let anchored):
            // Found by its hash, not its number: sequences are not part of an event's MAC, and
            // events renumbered around an insertion are the `inserted` check's business.
            let last = events.last?.sequence ?? 0
            if events.last?.hash == anchored.hash {
                verification.head = Head(state: .current, sequence: anchored.sequence, file: file)
            } else if events.contains(where: { $0.hash == anchored.hash }) {
                verification.head = Head(state: .behind, sequence: anchored.sequence, file: file)
            } else {
                verification.head = Head(state: .truncated, sequence: anchored.sequence, file: file)
                let detail =
                    last < anchored.sequence
                    ? "events \(last + 1)…\(anchored.sequence) are missing from the end: "
                        + "the head anchored outside the database is at \(anchored.sequence)"
                    : "event \(anchored.sequence), the head anchored outside the database, is missing: "
                        + "the chain was cut and written again"
                verification.problems.append(Problem(kind: .truncated, sequence: anchored.sequence, detail: detail))
            }
        }
        return verification
    }

    /// Walks the events in stored order and names each break.
    ///
    /// A bad MAC alone cannot tell an edited event from a forged one; the neighbours can. When
    /// the next event still links to the suspect's stored hash, the suspect is an original whose
    /// content was changed (edited). When the next event links to the event before the suspect,
    /// the suspect was slipped in (inserted). When an event has a good MAC but does not link to
    /// its predecessor, events between them were deleted. Events cut from the end of the trail
    /// leave no trace in the chain itself: the head anchored outside the database (`AuditHeadFile`)
    /// catches those (see `check(_:signer:headFile:)`).
    public static func check(_ events: [AuditEvent], signer: AuditSigner) -> AuditVerification {
        var problems: [Problem] = []
        var previous: AuditEvent?
        for (index, event) in events.enumerated() {
            let next = index + 1 < events.count ? events[index + 1] : nil
            if signer.mac(for: event) != event.hash {
                if let next, next.previousHash == (previous?.hash ?? AuditSigner.genesis),
                    signer.mac(for: next) == next.hash
                {
                    problems.append(
                        Problem(
                            kind: .inserted, sequence: event.sequence,
                            detail: "not written by Likeness; the chain continues without it"))
                    continue  // the chain goes on from the event before it
                }
                problems.append(
                    Problem(
                        kind: .edited, sequence: event.sequence,
                        detail: next == nil
                            ? "its content does not match its MAC (edited or forged)"
                            : "its content does not match its MAC"))
            } else if event.previousHash != (previous?.hash ?? AuditSigner.genesis) {
                let expected = (previous?.sequence ?? 0) + 1
                let detail =
                    event.sequence > expected
                    ? "events \(expected)…\(event.sequence - 1) are missing"
                    : "the event it links to is missing"
                problems.append(Problem(kind: .deleted, sequence: event.sequence, detail: detail))
            }
            previous = event
        }
        return AuditVerification(events: events.count, problems: problems)
    }
}
