import Foundation

/// One stored face template: the embedding, transformed and sealed, never in the clear.
public struct Template: Sendable, Equatable {
    public var id: Int64
    public var subjectID: Int64
    /// The model pack that produced the embedding; templates of different packs never meet.
    public var pack: String
    /// The transformed vector sealed with AES-256-GCM (nonce ‖ ciphertext ‖ tag).
    public var sealed: Data
    /// The enrolment image's unified quality score, when it was assessed.
    public var quality: Double?
    public var createdAt: Date
    /// The tenant key version the template was sealed under, which is part of its
    /// authenticated context; nil for templates sealed before versions were recorded.
    public var keyVersion: Int?
    /// The external id of the template's subject, read with the row (it is part of the
    /// authenticated context).
    public var subjectExternalID: String?

    public init(
        id: Int64, subjectID: Int64, pack: String, sealed: Data, quality: Double?, createdAt: Date,
        keyVersion: Int? = nil, subjectExternalID: String? = nil
    ) {
        self.id = id
        self.keyVersion = keyVersion
        self.subjectExternalID = subjectExternalID
        self.subjectID = subjectID
        self.pack = pack
        self.sealed = sealed
        self.quality = quality
        self.createdAt = createdAt
    }
}

/// A template about to be stored.
public struct NewTemplate: Sendable {
    public var pack: String
    public var sealed: Data
    public var quality: Double?
    /// The tenant key version it is sealed under.
    public var keyVersion: Int?

    public init(pack: String, sealed: Data, quality: Double?, keyVersion: Int? = nil) {
        self.keyVersion = keyVersion
        self.pack = pack
        self.sealed = sealed
        self.quality = quality
    }
}
