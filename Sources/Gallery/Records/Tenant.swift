import Foundation

/// A customer space: its subjects, templates and keys are invisible to every other tenant.
public struct Tenant: Sendable, Equatable {
    public var id: Int64
    public var name: String
    /// The tenant's data key, wrapped by the master key.
    public var wrappedKey: Data
    /// Raised each time the data key (and with it the template transform) is replaced.
    public var keyVersion: Int
    public var createdAt: Date

    public init(id: Int64, name: String, wrappedKey: Data, keyVersion: Int, createdAt: Date) {
        self.id = id
        self.name = name
        self.wrappedKey = wrappedKey
        self.keyVersion = keyVersion
        self.createdAt = createdAt
    }
}
