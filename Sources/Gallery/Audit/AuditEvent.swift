import Foundation

/// One link of the audit trail: who did what to whom, chained to the event before it.
public struct AuditEvent: Sendable, Equatable {
    /// Position in the chain, from 1, without gaps.
    public var sequence: Int64
    /// Milliseconds since 1970, as stored (so the MAC recomputes exactly).
    public var timeMilliseconds: Int64
    public var tenant: String?
    /// Who acted: a CLI user, an API key's id, `system`.
    public var actor: String
    /// What happened, e.g. `enroll`, `search`, `erase`, `consent.grant`, `keys.rotate`.
    public var action: String
    /// The tenant's id for the subject concerned, if any.
    public var subject: String?
    /// A JSON object with counts, ids and decisions; never an image or a template.
    public var details: String
    /// The MAC of the previous event (32 zero bytes for the first).
    public var previousHash: Data
    /// HMAC-SHA256 over this event's fields and `previousHash`, under the audit key.
    public var hash: Data

    public var time: Date { Date(timeIntervalSince1970: Double(timeMilliseconds) / 1000) }

    public init(
        sequence: Int64, timeMilliseconds: Int64, tenant: String?, actor: String, action: String, subject: String?,
        details: String, previousHash: Data, hash: Data
    ) {
        self.sequence = sequence
        self.timeMilliseconds = timeMilliseconds
        self.tenant = tenant
        self.actor = actor
        self.action = action
        self.subject = subject
        self.details = details
        self.previousHash = previousHash
        self.hash = hash
    }
}

/// An event to append; the store gives it its sequence, time and links.
public struct AuditDraft: Sendable {
    public var tenant: String?
    public var actor: String
    public var action: String
    public var subject: String?
    public var details: [String: AuditValue]

    public init(
        tenant: String?, actor: String, action: String, subject: String? = nil, details: [String: AuditValue] = [:]
    ) {
        self.tenant = tenant
        self.actor = actor
        self.action = action
        self.subject = subject
        self.details = details
    }

    /// The details as compact JSON with sorted keys, so the stored text is canonical.
    var detailsJSON: String {
        let object = details.mapValues(\.json)
        guard
            let data = try? JSONSerialization.data(
                withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// A value in an audit event's details: numbers, text, flags and lists of them.
public enum AuditValue: Sendable, Equatable {
    case int(Int)
    case double(Double)
    case string(String)
    case bool(Bool)
    case strings([String])

    var json: Any {
        switch self {
        case .int(let value): value
        case .double(let value): (value * 1e6).rounded() / 1e6
        case .string(let value): value
        case .bool(let value): value
        case .strings(let value): value
        }
    }
}
