import Foundation

/// A person as a tenant knows them, by the tenant's own identifier.
public struct Subject: Sendable, Equatable, Codable {
    public var id: Int64
    public var tenantID: Int64
    /// The tenant's identifier for the person, unique within the tenant.
    public var externalID: String
    /// The tenant's JSON object about the person, as canonical text (see `SubjectMetadata`); never biometric.
    public var metadata: String?
    public var createdAt: Date
    /// Set when the subject was erased; its templates are gone from then on.
    public var erasedAt: Date?
    /// When the last copy of an erased subject's template bytes was physically gone from the
    /// store's files (nil while that is pending, and for subjects never erased).
    public var purgedAt: Date?
    /// Whether withdrawing the subject's last active consent erases it: false when the subject was
    /// enrolled without required consent (data held under another legal basis).
    public var consentRequired: Bool

    public init(
        id: Int64, tenantID: Int64, externalID: String, metadata: String?, createdAt: Date, erasedAt: Date?,
        purgedAt: Date? = nil, consentRequired: Bool = true
    ) {
        self.purgedAt = purgedAt
        self.consentRequired = consentRequired
        self.id = id
        self.tenantID = tenantID
        self.externalID = externalID
        self.metadata = metadata
        self.createdAt = createdAt
        self.erasedAt = erasedAt
    }
}
