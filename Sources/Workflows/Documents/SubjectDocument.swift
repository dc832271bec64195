import Foundation
import Gallery

/// A subject with its templates and consents (`subjects show`, `GET /v1/subjects/{id}`).
public struct SubjectDocument: Codable, Sendable, Equatable {
    public var id: String
    public var metadata: String?
    public var createdAt: Date
    /// Set only for an erased subject (the CLI shows them; the API answers 404).
    public var erasedAt: Date?
    /// When an erased subject's template bytes were physically gone from the store's files
    /// (absent while the purge is pending).
    public var purgedAt: Date?
    public var templates: [TemplateDocument]
    public var consents: [ConsentDocument]

    enum CodingKeys: String, CodingKey {
        case id, metadata, templates, consents
        case createdAt = "created_at"
        case erasedAt = "erased_at"
        case purgedAt = "purged_at"
    }

    public init(_ details: SubjectDetails) {
        purgedAt = details.subject.erasedAt == nil ? nil : details.subject.purgedAt
        id = details.subject.externalID
        metadata = details.subject.metadata
        createdAt = details.subject.createdAt
        erasedAt = details.subject.erasedAt
        templates = details.templates.map(TemplateDocument.init)
        consents = details.consents.map(ConsentDocument.init)
    }
}

/// One stored template (never its vector).
public struct TemplateDocument: Codable, Sendable, Equatable {
    public var id: Int64
    public var pack: String
    public var quality: Double?
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, pack, quality
        case createdAt = "created_at"
    }

    public init(_ template: SubjectDetails.TemplateSummary) {
        id = template.id
        pack = template.pack
        quality = template.quality
        createdAt = template.createdAt
    }
}

/// A consent record: the text's hash, never the text.
public struct ConsentDocument: Codable, Sendable, Equatable {
    public var id: Int64
    public var purpose: String
    public var textVersion: String
    public var textSHA256: String
    public var grantedAt: Date
    public var revokedAt: Date?
    public var active: Bool

    enum CodingKeys: String, CodingKey {
        case id, purpose, active
        case textVersion = "text_version"
        case textSHA256 = "text_sha256"
        case grantedAt = "granted_at"
        case revokedAt = "revoked_at"
    }

    public init(_ consent: Consent) {
        id = consent.id
        purpose = consent.purpose
        textVersion = consent.textVersion
        textSHA256 = consent.textHash
        grantedAt = consent.grantedAt
        revokedAt = consent.revokedAt
        active = consent.isActive
    }
}

/// What an erasure removed.
public struct ErasureDocument: Codable, Sendable, Equatable {
    public var subject: String
    public var templatesDeleted: Int
    /// Whether the deleted bytes were gone from the store's files when the erasure returned.
    public var purged: Bool

    enum CodingKeys: String, CodingKey {
        case subject, purged
        case templatesDeleted = "templates_deleted"
    }

    public init(_ receipt: ErasureReceipt) {
        subject = receipt.subject
        templatesDeleted = receipt.templatesDeleted
        purged = receipt.purged
    }
}
