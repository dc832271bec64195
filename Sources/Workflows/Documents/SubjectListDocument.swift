import Foundation
import Gallery

/// A page of subjects (`GET /v1/subjects`, `likeness subjects list --json`).
public struct SubjectListDocument: Codable, Sendable, Equatable {
    public var subjects: [SubjectSummaryDocument]
    /// Live subjects whose id starts with the prefix (on every page).
    public var total: Int
    /// The cursor of the next page (`after`); null on the last page.
    public var next: String?

    public init(_ page: SubjectPage) {
        subjects = page.subjects.map(SubjectSummaryDocument.init)
        total = page.total
        next = page.next
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(subjects, forKey: .subjects)
        try container.encode(total, forKey: .total)
        try container.encode(next, forKey: .next)  // null on the last page, not left out
    }
}

/// One subject in a list: no templates, only their count.
public struct SubjectSummaryDocument: Codable, Sendable, Equatable {
    public var id: String
    public var metadata: SubjectMetadata?
    public var createdAt: Date
    /// Stored faces (templates).
    public var faces: Int
    /// The purpose of each active consent.
    public var consents: [String]

    enum CodingKeys: String, CodingKey {
        case id, metadata, faces, consents
        case createdAt = "created_at"
    }

    public init(_ listing: SubjectListing) {
        id = listing.subject.externalID
        metadata = listing.subject.metadata.map(SubjectMetadata.init(stored:))
        createdAt = listing.subject.createdAt
        faces = listing.faces
        consents = listing.consents
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(metadata, forKey: .metadata)  // null when there is none
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(faces, forKey: .faces)
        try container.encode(consents, forKey: .consents)
    }
}
