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
        }
        public var kind: Kind
        public var sequence: Int64
        public var detail: String

        public var description: String { "\(kind.rawValue) at event \(sequence): \(detail)" }
    }

    public var events: Int
    public var problems: [Problem]
    public var isIntact: Bool { problems.isEmpty }

    /// Walks the events in stored order and names each break.
    ///
    /// A bad MAC alone cannot tell an edited event from a forged one; the neighbours can. When
    /// the next event still links to the suspect's stored hash, the suspect is an original whose
    /// content was changed (edited). When the next event links to the event before the suspect,
    /// the suspect was slipped in (inserted). When an event has a good MAC but does not link to
    /// its predecessor, events between them were deleted. Events cut from the end of the trail
    /// leave no trace in the chain itself; compare the count with an exported copy for that.
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
