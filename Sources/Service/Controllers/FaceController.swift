import FaceKit
import Foundation
import Hummingbird

/// `/v1/detect` and `/v1/verify`: the stateless face routes.
struct FaceController<Context: RequestContext> {
    let analyzer: FaceAnalyzer
    let configuration: ServiceConfiguration

    func addRoutes(to group: RouterGroup<Context>) {
        group.post("detect") { request, _ in try await detect(request) }
        group.post("verify") { request, _ in try await verify(request) }
    }

    struct DetectRequest: Decodable {
        var image: String
    }

    struct Face: Encodable {
        var box: [Double]
        var score: Double
        var keypoints: [[Double]]

        init(_ face: DetectedFace) {
            box = [face.box.minX, face.box.minY, face.box.maxX, face.box.maxY].map(Face.round)
            score = (face.score * 10_000).rounded() / 10_000
            keypoints = face.keypoints.map { [Face.round($0.x), Face.round($0.y)] }
        }

        static func round(_ value: Double) -> Double { (value * 100).rounded() / 100 }
    }

    func detect(_ request: Request) async throws -> Response {
        let body = try await JSONBody.decode(
            DetectRequest.self, from: request, limit: configuration.maxBodyBytes, allowedKeys: ["image"])
        let image = try await analyzer.decode(try JSONBody.image(body.image, field: "image"))
        let faces = try await analyzer.detect(in: image)
        return try JSONBody.response(
            DetectAnswer(width: image.width, height: image.height, faces: faces.map(Face.init)))
    }

    struct VerifyRequest: Decodable {
        var first: String
        var second: String
        /// The first image is an ID document page.
        var document: Bool?
        var fmr: Double?
    }

    struct DetectAnswer: Encodable {
        var width: Int
        var height: Int
        var faces: [Face]
    }

    struct VerifyAnswer: Encodable {
        var similarity: Double
        var threshold: Double
        var fmr: Double?
        var decision: String
        var qualityReasons: [String]
        var faces: [Face]

        enum CodingKeys: String, CodingKey {
            case similarity, threshold, fmr, decision, faces
            case qualityReasons = "quality_reasons"
        }
    }

    func verify(_ request: Request) async throws -> Response {
        let body = try await JSONBody.decode(
            VerifyRequest.self, from: request, limit: configuration.maxBodyBytes,
            allowedKeys: ["first", "second", "document", "fmr"])
        if let fmr = body.fmr, !(fmr > 0 && fmr < 1) {
            throw Problem(.badRequest, code: "validation_failed", detail: "fmr must be in (0, 1)")
        }
        async let first = analyzer.decode(try JSONBody.image(body.first, field: "first"))
        async let second = analyzer.decode(try JSONBody.image(body.second, field: "second"))
        let result = try await analyzer.verify(
            try await first, try await second,
            options: VerificationOptions(fmr: body.fmr, firstIsDocument: body.document ?? false))
        return try JSONBody.response(
            VerifyAnswer(
                similarity: (result.similarity * 10_000).rounded() / 10_000, threshold: result.threshold,
                fmr: result.fmr, decision: result.isMatch ? "match" : "no_match", qualityReasons: result.qualityReasons,
                faces: [Face(result.first.face), Face(result.second.face)]))
    }
}
