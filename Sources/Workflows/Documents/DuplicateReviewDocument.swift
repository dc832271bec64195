import Foundation
import Gallery

/// Faces flagged as possible duplicates, not yet resolved (`GET /v1/review/duplicates`).
public struct DuplicateReviewDocument: Codable, Sendable, Equatable {
    public var flags: [DuplicateFlagDocument]
    /// The `after` of the next page (a face id); null on the last page.
    public var next: Int64?

    public init(_ page: DuplicateReviewPage) {
        flags = page.flags.map(DuplicateFlagDocument.init)
        next = page.next
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(flags, forKey: .flags)
        try container.encode(next, forKey: .next)
    }
}

/// One flagged face: its subject, when it was enrolled, and the subjects it matched; once
/// resolved (`POST /v1/review/duplicates/{face}/resolve`), when and how.
public struct DuplicateFlagDocument: Codable, Sendable, Equatable {
    public var subject: String
    public var face: Int64
    public var createdAt: Date
    public var duplicates: [DuplicateFinding]
    public var reviewedAt: Date?
    public var resolution: String?

    enum CodingKeys: String, CodingKey {
        case subject, face, duplicates, resolution
        case createdAt = "created_at"
        case reviewedAt = "reviewed_at"
    }

    public init(_ flag: FaceFlag) {
        subject = flag.subject
        face = flag.templateID
        createdAt = flag.createdAt
        duplicates = flag.duplicates
        reviewedAt = flag.reviewedAt
        resolution = flag.resolution?.rawValue
    }
}
