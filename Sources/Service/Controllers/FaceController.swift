import FaceKit
import Foundation
import Hummingbird

/// `/v1/detect` and `/v1/verify`: the stateless face routes.
struct FaceController {
    typealias Context = ServiceRequestContext
    let dependencies: ServiceDependencies

    func addRoutes(to group: RouterGroup<Context>) {
        group.post("detect") { request, _ in try await detect(request) }
        group.post("verify") { request, _ in try await verify(request) }
    }

    struct DetectAnswer: Encodable {
        var width: Int
        var height: Int
        var faces: [FaceBody]
    }

    /// Faces with keypoints; with `landmarks` (default true) the 106 landmarks, pose and the
    /// selfie-profile quality of the largest faces.
    func detect(_ request: Request) async throws -> Response {
        let fields = try await ImageRequest.read(
            request, limits: dependencies.configuration, imageFields: ["image"], otherFields: ["landmarks"])
        let detailed = try fields.bool("landmarks") ?? true
        let image = try await dependencies.decode(try fields.image("image"), field: "image")
        let analyzer = dependencies.analyzer
        let start = ContinuousClock.now
        let faces = try await analyzer.detect(in: image)
        var timings = StageTimings()
        timings.detect = ContinuousClock.now - start
        dependencies.metrics.inference(timings)
        var bodies: [FaceBody] = []
        for (position, face) in faces.enumerated() {
            if detailed, position < DetectLimits.detailedFaces {
                let (quality, landmarks) = try await analyzer.assessQuality(
                    of: face, among: faces, in: image, profile: .selfie)
                bodies.append(FaceBody(face, landmarks: landmarks, quality: quality))
            } else {
                bodies.append(FaceBody(face))
            }
        }
        return try JSONBody.response(DetectAnswer(width: image.width, height: image.height, faces: bodies))
    }

    enum DetectLimits {
        /// Faces that get landmarks and quality; the rest only their box and keypoints.
        static let detailedFaces = 10
    }

    struct VerifyAnswer: Encodable {
        var similarity: Double
        var threshold: Double
        var fmr: Double?
        var decision: String
        var qualityReasons: [String]
        var faces: [FaceBody]

        enum CodingKeys: String, CodingKey {
            case similarity, threshold, fmr, decision, faces
            case qualityReasons = "quality_reasons"
        }
    }

    /// 1:1: `first` and `second` images; `document: true` marks the first as an ID document.
    func verify(_ request: Request) async throws -> Response {
        let fields = try await ImageRequest.read(
            request, limits: dependencies.configuration, imageFields: ["first", "second"],
            otherFields: ["document", "fmr"])
        let fmr = try fields.double("fmr") ?? dependencies.configuration.defaultFMR
        guard fmr > 0 && fmr < 1 else {
            throw Problem(.badRequest, code: "validation_failed", detail: "fmr must be in (0, 1)")
        }
        let document = try fields.bool("document") ?? false
        try dependencies.validate(fmr: fmr)
        let firstBytes = try fields.image("first")
        let secondBytes = try fields.image("second")
        async let first = dependencies.decode(firstBytes, field: "first")
        async let second = dependencies.decode(secondBytes, field: "second")
        let result = try await dependencies.analyzer.verify(
            try await first, try await second,
            options: VerificationOptions(fmr: fmr, firstIsDocument: document))
        dependencies.metrics.inference(result.first.timings)
        dependencies.metrics.inference(result.second.timings)
        return try JSONBody.response(
            VerifyAnswer(
                similarity: (result.similarity * 10_000).rounded() / 10_000, threshold: result.threshold,
                fmr: result.fmr, decision: result.isMatch ? "match" : "no_match", qualityReasons: result.qualityReasons,
                faces: [FaceBody(result.first.face), FaceBody(result.second.face)]))
    }
}
