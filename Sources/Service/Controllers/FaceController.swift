import FaceKit
import Foundation
import Hummingbird
import Workflows

/// `/v1/detect` and `/v1/verify`: the stateless face routes.
struct FaceController {
    typealias Context = ServiceRequestContext
    let dependencies: ServiceDependencies

    func addRoutes(to group: RouterGroup<Context>) {
        group.post("detect") { request, _ in try await detect(request) }
        group.post("verify") { request, _ in try await verify(request) }
    }

    /// Faces with keypoints; with `landmarks` (default true) the 106 landmarks, pose and the
    /// quality of the largest faces under `profile` (default selfie; any profile the server knows,
    /// so a photo can be checked against the enrolment profile before it is enrolled).
    func detect(_ request: Request) async throws -> Response {
        let fields = try await ImageRequest.read(
            request, limits: dependencies.configuration, imageFields: ["image"], otherFields: ["landmarks", "profile"])
        let details = try fields.bool("landmarks") ?? true
        var profile = QualityProfile.selfie
        if let name = try fields.string("profile") {
            let available = dependencies.configuration.enrollment.available
            guard let chosen = available[name] else {
                throw Problem(
                    .badRequest, code: .validationFailed,
                    detail: "profile must be one of \(available.keys.sorted().joined(separator: ", "))")
            }
            profile = chosen
        }
        let image = try await dependencies.decode(try fields.image("image"), field: "image")
        return try JSONBody.response(try await dependencies.faces.detect(image, details: details, profile: profile))
    }

    /// 1:1: `first` and `second` images; `document: true` marks the first as an ID document.
    func verify(_ request: Request) async throws -> Response {
        let fields = try await ImageRequest.read(
            request, limits: dependencies.configuration, imageFields: ["first", "second"],
            otherFields: ["document", "fmr"])
        let fmr = try fields.double("fmr") ?? dependencies.configuration.defaultFMR
        let document = try fields.bool("document") ?? false
        try dependencies.validate(fmr: fmr)
        let firstBytes = try fields.image("first")
        let secondBytes = try fields.image("second")
        async let first = dependencies.decode(firstBytes, field: "first")
        async let second = dependencies.decode(secondBytes, field: "second")
        let answer = try await dependencies.faces.verify(
            try await first, try await second, options: VerificationOptions(fmr: fmr, firstIsDocument: document))
        return try JSONBody.response(answer)
    }
}
