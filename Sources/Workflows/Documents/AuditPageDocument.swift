import Foundation
import Gallery

/// A page of a tenant's audit events (`GET /v1/audit`, `likeness audit list --json`).
public struct AuditPageDocument: Encodable, Sendable {
    public var events: [AuditEventDocument]
    /// Pass as `after` for the next page; present whenever the page is full, so the page after
    /// the last full one may be empty.
    public var next: Int64?

    public init(_ events: [AuditEvent], limit: Int) {
        self.events = events.map(AuditEventDocument.init)
        next = events.count == limit ? events.last?.sequence : nil
    }
}

/// One audit event, its details as the JSON object they are.
public struct AuditEventDocument: Encodable, Sendable {
    public var sequence: Int64
    public var time: Date
    public var actor: String
    public var action: String
    public var subject: String?
    public var details: MetadataValue

    public init(_ event: AuditEvent) {
        sequence = event.sequence
        time = event.time
        actor = event.actor
        action = event.action
        subject = event.subject
        details = (try? JSONDecoder().decode(MetadataValue.self, from: Data(event.details.utf8))) ?? .object([:])
    }
}
