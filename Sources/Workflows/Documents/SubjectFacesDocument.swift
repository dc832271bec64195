import Foundation
import Gallery

/// A subject's faces (`GET /v1/subjects/{id}/faces`, `likeness subjects faces ID --json`).
public struct SubjectFacesDocument: Codable, Sendable, Equatable {
    public var subject: String
    public var faces: [TemplateDocument]

    public init(subject: String, faces: [SubjectDetails.TemplateSummary]) {
        self.subject = subject
        self.faces = faces.map(TemplateDocument.init)
    }
}

/// What erasing one face removed (`DELETE /v1/subjects/{id}/faces/{face}`).
public struct FaceErasureDocument: Codable, Sendable, Equatable {
    public var subject: String
    public var face: Int64
    public var templatesDeleted: Int
    /// Whether the deleted bytes were gone from the store's files when the erasure returned.
    public var purged: Bool

    enum CodingKeys: String, CodingKey {
        case subject, face, purged
        case templatesDeleted = "templates_deleted"
    }

    public init(_ receipt: FaceErasureReceipt) {
        subject = receipt.subject
        face = receipt.face
        templatesDeleted = receipt.templatesDeleted
        purged = receipt.purged
    }
}
