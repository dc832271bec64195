import FaceKit
import Foundation
import Gallery
import Hummingbird
import Workflows

/// `/v1/subjects/{id}/faces` (enrol) and `/v1/subjects/{id}/verify` (face sign-in): the subject
/// routes that run the face pipeline, behind image admission.
struct EnrollmentController {
    typealias Context = ServiceRequestContext
    let dependencies: ServiceDependencies
    var gallery: Gallery { dependencies.gallery }

    func addRoutes(imageGroup: RouterGroup<Context>) {
        imageGroup.post("subjects/{id}/faces") { request, context in try await enroll(request, context) }
        imageGroup.post("subjects/{id}/verify") { request, context in try await verify(request, context) }
    }

    /// Enrols one or more faces (`image`, repeatable, or `images`), each passing the tenant's
    /// enrolment quality profile (every image below it named in the 422 `low_quality`); a face
    /// matching another subject is refused (409 `possible_duplicate`) unless `policy` is
    /// `enroll_and_flag`. `profile` and `quality: "report"` are overrides the tenant's enrolment
    /// policy must allow (403 `override_not_allowed`).
    func enroll(_ request: Request, _ context: Context) async throws -> Response {
        let key = try context.requireKey()
        let subject = try SubjectController.subjectID(context)
        let fields = try await ImageRequest.read(
            request, limits: dependencies.configuration, imageFields: ["image", "images"],
            otherFields: ["policy", "purpose", "profile", "quality"])
        let images = fields.images("image", "images")
        guard !images.isEmpty else {
            throw Problem(.badRequest, code: .validationFailed, detail: "missing field image")
        }
        let policyName = try fields.string("policy") ?? DuplicatePolicy.reject.rawValue
        guard let policy = DuplicatePolicy(rawValue: policyName) else {
            throw Problem(.badRequest, code: .validationFailed, detail: "policy must be reject or enroll_and_flag")
        }
        var mode: QualityMode?
        if let name = try fields.string("quality") {
            guard let chosen = QualityMode(rawValue: name) else {
                throw Problem(.badRequest, code: .validationFailed, detail: "quality must be enforce or report")
            }
            mode = chosen
        }
        let quality = try dependencies.configuration.enrollment.resolve(
            tenant: key.tenantName, profile: try fields.string("profile"), quality: mode)
        let plan = EnrollmentPlan(
            tenant: key.tenantName, subject: subject, purpose: try fields.string("purpose") ?? Gallery.defaultPurpose,
            policy: policy, duplicateFMR: dependencies.configuration.defaultSearchFMR, profile: quality.profile,
            qualityMode: quality.mode)
        // Refused before the images are even decoded when the subject could not be enrolled anyway.
        try await gallery.checkConsent(tenant: key.tenantName, subject: subject, purpose: plan.purpose)
        var named: [NamedImage] = []
        for (position, bytes) in images.enumerated() {
            let field = images.count == 1 ? "image" : "image[\(position)]"
            named.append(NamedImage(name: field, image: try await dependencies.decode(bytes, field: field)))
        }
        let document = try await dependencies.people.enroll(named, plan: plan)
        if document.status == .possibleDuplicate {
            throw WorkflowError(
                .possibleDuplicate,
                "the face matches \(document.duplicates.count) other subject(s); nothing was enrolled",
                duplicates: document.duplicates)
        }
        return try JSONBody.response(document, status: .created)
    }

    /// Face sign-in: the probe against every template of the claimed subject.
    func verify(_ request: Request, _ context: Context) async throws -> Response {
        let key = try context.requireKey()
        let subject = try SubjectController.subjectID(context)
        let fields = try await ImageRequest.read(
            request, limits: dependencies.configuration, imageFields: ["image"], otherFields: ["fmr"])
        let point = try dependencies.operatingPoint(
            fmr: try fields.double("fmr"), default: dependencies.configuration.defaultFMR)
        let image = try await dependencies.decode(try fields.image("image"), field: "image")
        return try JSONBody.response(
            try await dependencies.people.verify(image, tenant: key.tenantName, subject: subject, point: point))
    }
}
