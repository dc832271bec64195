import FaceKit
import Foundation
import Hummingbird
import Workflows

/// `/v1/detect` and `/v1/verify`: the stateless face routes.
struct FaceController {
    typealias Context = ServiceRequestContext
    let dependencies: ServiceDependencies

    func addRoutes(to group: RouterGroup<Context>) {
        group.post("detect") { request, context in try await detect(request, context) }
        group.post("verify") { request, _ in try await verify(request) }
    }

    /// Faces with keypoints; with `landmarks` (default true) the 106 landmarks, pose and the
    /// quality of the largest faces under `profile` (default selfie; any profile the server
    /// knows), or with `for_enrollment` under the profile the key's tenant enrols with, so a photo
    /// is judged before it is enrolled exactly as enrolment will judge it.
    func detect(_ request: Request, _ context: Context) async throws -> Response {
        let fields = try await ImageRequest.read(
            request, limits: dependencies.configuration, imageFields: ["image"],
            otherFields: ["landmarks", "profile", "for_enrollment"])
        let details = try fields.bool("landmarks") ?? true
        let policy = dependencies.configuration.enrollment
        var profile = QualityProfile.selfie
        let named = try fields.string("profile")
        if try fields.bool("for_enrollment") == true {
            guard named == nil else {
                throw Problem(
                    .badRequest, code: .validationFailed, detail: "send profile or for_enrollment, not both")
            }
            let tenantProfile = policy.rule(for: try context.requireKey().tenantName).profile
            guard let chosen = policy.available[tenantProfile] else {
                throw Problem(
                    .internalServerError, code: .internalError,
                    detail: "the enrolment policy names an unknown profile \(tenantProfile)")
            }
            profile = chosen
        } else if let name = named {
            guard let chosen = policy.available[name] else {
                throw Problem(
                    .badRequest, code: .validationFailed,
                    detail: "profile must be one of \(policy.available.keys.sorted().joined(separator: ", "))")
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
