import Crypto
import Foundation

/// Computes the MAC that links audit events.
///
/// A keyed MAC rather than a bare hash: whoever can write to the database but does not hold the
/// audit key cannot recompute the chain after editing, inserting or deleting an event.
public struct AuditSigner: Sendable {
    private let keyBytes: Data

    public init(key: SymmetricKey) {
        keyBytes = key.withUnsafeBytes { Data($0) }
    }

    /// The MAC of an event whose other fields are set.
    public func mac(for event: AuditEvent) -> Data {
        var message = Data()
        func field(_ text: String?) {
            guard let text else {
                message.append(contentsOf: [0xFF, 0xFF, 0xFF, 0xFF])
                return
            }
            let bytes = Data(text.utf8)
            withUnsafeBytes(of: UInt32(bytes.count).bigEndian) { message.append(contentsOf: $0) }
            message.append(bytes)
        }
        // The sequence is left out on purpose: it orders events, the links chain them, and a
        // forged event slipped in by renumbering must not make every later event look edited.
        field("likeness-audit-v1")
        field(String(event.timeMilliseconds))
        field(event.tenant)
        field(event.actor)
        field(event.action)
        field(event.subject)
        field(event.details)
        message.append(event.previousHash)
        let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: keyBytes))
        return Data(code)
    }

    /// The event that follows `previous` (nil for the first) with its MAC.
    public func link(_ draft: AuditDraft, sequence: Int64, timeMilliseconds: Int64, previousHash: Data?) -> AuditEvent {
        var event = AuditEvent(
            sequence: sequence, timeMilliseconds: timeMilliseconds, tenant: draft.tenant, actor: draft.actor,
            action: draft.action, subject: draft.subject, details: draft.detailsJSON,
            previousHash: previousHash ?? AuditSigner.genesis, hash: Data())
        event.hash = mac(for: event)
        return event
    }

    /// The previous hash of the first event.
    public static let genesis = Data(repeating: 0, count: 32)
}
