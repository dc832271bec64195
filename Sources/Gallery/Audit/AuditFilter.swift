import Foundation

/// Which audit events to read (every condition must hold; nil or empty is no condition).
public struct AuditFilter: Sendable, Equatable {
    public var subject: String?
    public var actions: [String]
    /// Events at or after this time.
    public var since: Date?
    /// Events before this time.
    public var until: Date?

    public init(subject: String? = nil, actions: [String] = [], since: Date? = nil, until: Date? = nil) {
        self.subject = subject
        self.actions = actions
        self.since = since
        self.until = until
    }

    public static let none = AuditFilter()
}
