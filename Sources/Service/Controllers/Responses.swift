import FaceKit
import Foundation
import Gallery

/// A detected face as the API reports it (pixel coordinates, two decimals).
struct FaceBody: Encodable, Sendable {
    var box: [Double]
    var score: Double
    var keypoints: [[Double]]
    var landmarks: [[Double]]?
    var pose: PoseBody?
    var quality: QualityBody?

    init(_ face: DetectedFace, landmarks: FaceLandmarks? = nil, quality: QualityAssessment? = nil) {
        box = [face.box.minX, face.box.minY, face.box.maxX, face.box.maxY].map(FaceBody.round)
        score = (face.score * 10_000).rounded() / 10_000
        keypoints = face.keypoints.map { [FaceBody.round($0.x), FaceBody.round($0.y)] }
        self.landmarks = landmarks?.points.map { [FaceBody.round($0.x), FaceBody.round($0.y)] }
        pose = landmarks.map { PoseBody($0.pose) }
        self.quality = quality.map(QualityBody.init)
    }

    static func round(_ value: Double) -> Double { (value * 100).rounded() / 100 }
}

struct PoseBody: Encodable {
    var yaw: Double
    var pitch: Double
    var roll: Double

    init(_ pose: HeadPose) {
        yaw = FaceBody.round(pose.yaw)
        pitch = FaceBody.round(pose.pitch)
        roll = FaceBody.round(pose.roll)
    }
}

struct QualityBody: Encodable {
    var profile: String
    var score: Double
    var passed: Bool
    var reasons: [String]

    init(_ quality: QualityAssessment) {
        profile = quality.profile
        score = (quality.unifiedScore * 10_000).rounded() / 10_000
        passed = quality.passed
        reasons = quality.reasons
    }
}

struct SubjectBody: Encodable {
    var id: String
    var metadata: String?
    var createdAt: Date
    var templates: [TemplateBody]
    var consents: [ConsentBody]

    enum CodingKeys: String, CodingKey {
        case id, metadata, templates, consents
        case createdAt = "created_at"
    }

    init(_ details: SubjectDetails) {
        id = details.subject.externalID
        metadata = details.subject.metadata
        createdAt = details.subject.createdAt
        templates = details.templates.map(TemplateBody.init)
        consents = details.consents.map(ConsentBody.init)
    }
}

struct TemplateBody: Encodable {
    var id: Int64
    var pack: String
    var quality: Double?
    var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, pack, quality
        case createdAt = "created_at"
    }

    init(_ template: SubjectDetails.TemplateSummary) {
        id = template.id
        pack = template.pack
        quality = template.quality
        createdAt = template.createdAt
    }
}

struct ConsentBody: Encodable {
    var id: Int64
    var purpose: String
    var textVersion: String
    var textSHA256: String
    var grantedAt: Date
    var revokedAt: Date?
    var active: Bool

    enum CodingKeys: String, CodingKey {
        case id, purpose, active
        case textVersion = "text_version"
        case textSHA256 = "text_sha256"
        case grantedAt = "granted_at"
        case revokedAt = "revoked_at"
    }

    init(_ consent: Consent) {
        id = consent.id
        purpose = consent.purpose
        textVersion = consent.textVersion
        textSHA256 = consent.textHash
        grantedAt = consent.grantedAt
        revokedAt = consent.revokedAt
        active = consent.isActive
    }
}

struct ErasureBody: Encodable {
    var subject: String
    var templatesDeleted: Int
    var compacted: Bool

    enum CodingKeys: String, CodingKey {
        case subject, compacted
        case templatesDeleted = "templates_deleted"
    }

    init(_ receipt: ErasureReceipt) {
        subject = receipt.subject
        templatesDeleted = receipt.templatesDeleted
        compacted = receipt.compacted
    }
}
