import FaceKit
import Foundation
import Gallery

/// What `identify` searches and at which operating point.
public struct IdentifyOptions: Sendable, Equatable {
    /// Candidates per face, 1...100.
    public var k: Int
    /// Faces searched, the largest first, 1...100; the rest are counted in `faces_ignored`.
    public var maxFaces: Int
    /// Faces whose box is narrower or shorter than this many pixels are listed, not searched.
    public var minFaceSize: Double

    public static let defaultK = 5
    public static let defaultMaxFaces = 20

    public init(
        k: Int = defaultK, maxFaces: Int = defaultMaxFaces, minFaceSize: Double = DetectionOptions.default.minFaceSize
    ) {
        self.k = k
        self.maxFaces = maxFaces
        self.minFaceSize = minFaceSize
    }

    /// Refuses out-of-range values (`validation_failed`) before any inference.
    public func validate() throws {
        guard (1...100).contains(k) else { throw WorkflowError(.validationFailed, "k must be in 1...100") }
        guard (1...100).contains(maxFaces) else {
            throw WorkflowError(.validationFailed, "max_faces must be in 1...100")
        }
        guard minFaceSize >= 0, minFaceSize.isFinite else {
            throw WorkflowError(.validationFailed, "min_face_size must be a number of pixels, 0 or more")
        }
    }
}

extension QualityProfile {
    /// What a face of a group photo needs to be searched: big and sharp enough to embed, not
    /// turned away, not cut off. Other faces are allowed (it is a group photo) and closed eyes
    /// do not matter for a search.
    public static let identification: QualityProfile = {
        var profile = QualityProfile.selfie
        profile.name = "identification"
        profile.minInterEyeDistance = 20
        profile.minSharpness = 40
        profile.minBrightness = 25
        profile.maxBrightness = 235
        profile.maxBrightFraction = 0.5
        profile.minContrast = 20
        profile.maxYaw = 50
        profile.maxPitch = 40
        profile.maxRoll = 45
        profile.minEyeOpenness = 0
        profile.minInsideFrame = 0.8
        profile.minDetectionScore = 0.5
        profile.allowOtherFaces = true
        return profile
    }()
}

extension GalleryWorkflows {
    /// The operating point of a search of `tenant` now: `request` at the gallery's current size.
    public func identificationPoint(_ request: IdentificationPoint.Request, tenant: String) async throws
        -> IdentificationPoint
    {
        try request.check(pack: pack)
        let size = try await gallery.gallerySize(tenant: tenant, pack: pack.id)
        return try IdentificationPoint(request, pack: pack, gallery: size)
    }

    /// 1:N for every face of an image: the largest `maxFaces` faces, each judged by the
    /// `identification` profile; each that passes is searched at `point`, the others are
    /// listed with why.
    public func identify(
        _ image: Image, tenant: String, point: IdentificationPoint, options: IdentifyOptions = .init(),
        settings: AnalysisSettings = .init()
    ) async throws -> IdentifyDocument {
        try options.validate()
        let analyzer = faces.analyzer
        let found = try await analyzer.detect(in: image, options: settings.detection)
        let considered = Array(found.prefix(options.maxFaces))
        var reasons: [[String]] = []
        var qualities: [QualityDocument?] = []
        for face in considered {
            var why: [String] = []
            if min(face.box.width, face.box.height) < options.minFaceSize { why.append("face_too_small") }
            do {
                let (quality, _) = try await analyzer.assessQuality(
                    of: face, among: found, in: image, profile: .identification)
                for reason in quality.reasons where !why.contains(reason) { why.append(reason) }
                qualities.append(QualityDocument(quality))
            } catch let error as FaceKitError where error.code == .imageTooSmall {
                if !why.contains("face_too_small") { why.append("face_too_small") }
                qualities.append(nil)
            }
            reasons.append(why)
        }
        let searchable = considered.indices.filter { reasons[$0].isEmpty }
        let embeddings = try await analyzer.embed(
            searchable.map { considered[$0] }, in: image, options: settings.embedding)
        var candidates: [Int: [Candidate]] = [:]
        for (position, embedding) in zip(searchable, embeddings) {
            candidates[position] = try await gallery.search(
                tenant: tenant, pack: pack.id, vector: embedding.vector, k: options.k, threshold: point.threshold)
        }
        let documents = considered.indices.map { position in
            IdentifyDocument.Face(
                face: FaceDocument(considered[position]), quality: qualities[position], reasons: reasons[position],
                candidates: candidates[position])
        }
        return IdentifyDocument(point: point, faces: documents, facesIgnored: found.count - considered.count)
    }
}
