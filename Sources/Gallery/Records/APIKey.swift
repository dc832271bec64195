import Foundation

/// A credential that lets a client act for one tenant over the HTTP API.
///
/// Only an HMAC of the secret's SHA-256 is stored (`Gallery.secretHash`); the secret itself is
/// shown once, at creation.
public struct APIKey: Sendable, Equatable {
    /// The public id (`k_…`), safe to log and to name in `keys revoke`.
    public var id: String
    public var tenantID: Int64
    public var tenantName: String
    public var label: String?
    public var createdAt: Date
    public var revokedAt: Date?

    public var isActive: Bool { revokedAt == nil }

    public init(
        id: String, tenantID: Int64, tenantName: String, label: String?, createdAt: Date, revokedAt: Date?
    ) {
        self.id = id
        self.tenantID = tenantID
        self.tenantName = tenantName
        self.label = label
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

/// An API key to store: its id, tenant, label and the hash of its secret.
public struct NewAPIKey: Sendable {
    public var id: String
    public var tenantID: Int64
    public var label: String?
    public var secretHash: Data

    public init(id: String, tenantID: Int64, label: String?, secretHash: Data) {
        self.id = id
        self.tenantID = tenantID
        self.label = label
        self.secretHash = secretHash
    }
}
