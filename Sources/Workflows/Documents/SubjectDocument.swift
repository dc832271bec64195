import Foundation
import Gallery

/// A subject with its templates and consents (`subjects show`, `GET /v1/subjects/{id}`).
public struct SubjectDocument: Codable, Sendable, Equatable {
    public var id: String
    /// The tenant's JSON object, or null.
    public var metadata: SubjectMetadata?
    public var createdAt: Date
    /// Whether withdrawing the last active consent erases the subject (false when it was
    /// enrolled without required consent).
    public var consentRequired: Bool
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
        case consentRequired = "consent_required"
    }

    public init(_ details: SubjectDetails) {
        purgedAt = details.subject.erasedAt == nil ? nil : details.subject.purgedAt
        id = details.subject.externalID
        metadata = details.subject.metadata.map(SubjectMetadata.init(stored:))
        consentRequired = details.subject.consentRequired
        createdAt = details.subject.createdAt
        erasedAt = details.subject.erasedAt
        templates = details.templates.map(TemplateDocument.init)
        consents = details.consents.map(ConsentDocument.init)
    }
}

/// One stored template (never its vector), with what enrolment flagged about it: an item of
/// `GET /v1/subjects/{id}/faces` and of a subject's `templates`.
public struct TemplateDocument: Codable, Sendable, Equatable {
    public var id: Int64
    public var pack: String
    public var quality: Double?
    public var createdAt: Date
    public var flags: [FlagDocument]

    enum CodingKeys: String, CodingKey {
        case id, pack, quality, flags
        case createdAt = "created_at"
    }

    public init(_ template: SubjectDetails.TemplateSummary) {
        id = template.id
        pack = template.pack
        quality = template.quality
        createdAt = template.createdAt
        flags = template.flags.map(FlagDocument.init)
    }
}

/// A flag raised about a face at enrolment (`possible_duplicate`: the subjects it matched).
public struct FlagDocument: Codable, Sendable, Equatable {
    public var code: String
    public var subjects: [DuplicateFinding]
    /// When a reviewer resolved it (absent while open).
    public var reviewedAt: Date?
    /// `distinct` or `same_person`, once reviewed.
    public var resolution: String?

    enum CodingKeys: String, CodingKey {
        case code, subjects, resolution
        case reviewedAt = "reviewed_at"
    }

    public init(_ flag: FaceFlag) {
        code = flag.code.rawValue
        subjects = flag.duplicates
        reviewedAt = flag.reviewedAt
        resolution = flag.resolution?.rawValue
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
