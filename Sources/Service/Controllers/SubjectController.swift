import FaceKit
import Foundation
import Gallery
import Hummingbird
import Workflows

/// `/v1/subjects…`: create, read and erase subjects, enrol faces, sign in, record consent.
///
/// Everything is scoped to the tenant of the request's API key: another tenant's subject is
/// simply not found.
struct SubjectController {
    typealias Context = ServiceRequestContext
    let dependencies: ServiceDependencies
    var gallery: Gallery { dependencies.gallery }

    func addRoutes(to group: RouterGroup<Context>, imageGroup: RouterGroup<Context>) {
        group.post("subjects") { request, context in try await create(request, context) }
        group.get("subjects/{id}") { _, context in try await show(context) }
        group.delete("subjects/{id}") { _, context in try await erase(context) }
        group.post("subjects/{id}/consents") { request, context in try await grantConsent(request, context) }
        group.delete("subjects/{id}/consents") { request, context in try await revokeConsent(request, context) }
        imageGroup.post("subjects/{id}/faces") { request, context in try await enroll(request, context) }
        imageGroup.post("subjects/{id}/verify") { request, context in try await verify(request, context) }
    }

    static func subjectID(_ context: Context) throws -> String {
        let raw = try context.parameters.require("id")
        guard let id = raw.removingPercentEncoding, !id.isEmpty, id.utf8.count <= 128 else {
            throw Problem(.badRequest, code: .validationFailed, detail: "a subject id is 1 to 128 bytes")
        }
        return id
    }

    struct CreateRequest: Decodable {
        var id: String
        var metadata: String?
    }

    func create(_ request: Request, _ context: Context) async throws -> Response {
        let key = try context.requireKey()
        let body = try await JSONBody.decode(
            CreateRequest.self, from: request, limits: dependencies.configuration, allowedKeys: ["id", "metadata"])
        _ = try await gallery.createSubject(tenant: key.tenantName, subject: body.id, metadata: body.metadata)
        let details = try await gallery.details(tenant: key.tenantName, subject: body.id)
        var response = try JSONBody.response(SubjectDocument(details), status: .created)
        response.headers[.location] =
            "/v1/subjects/\(body.id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? body.id)"
        return response
    }

    func show(_ context: Context) async throws -> Response {
        let key = try context.requireKey()
        let details = try await gallery.details(tenant: key.tenantName, subject: try Self.subjectID(context))
        guard details.subject.erasedAt == nil else {
            throw Problem(.notFound, code: .notFound, detail: "no subject \(details.subject.externalID)")
        }
        return try JSONBody.response(SubjectDocument(details))
    }

    func erase(_ context: Context) async throws -> Response {
        let key = try context.requireKey()
        let receipt = try await gallery.erase(tenant: key.tenantName, subject: try Self.subjectID(context))
        return try JSONBody.response(ErasureDocument(receipt))
    }

    struct ConsentRequest: Decodable {
        var purpose: String
        var textVersion: String
        var text: String
        var evidence: String?

        enum CodingKeys: String, CodingKey {
            case purpose, text, evidence
            case textVersion = "text_version"
        }
    }

    func grantConsent(_ request: Request, _ context: Context) async throws -> Response {
        let key = try context.requireKey()
        let subject = try Self.subjectID(context)
        let body = try await JSONBody.decode(
            ConsentRequest.self, from: request, limits: dependencies.configuration,
            allowedKeys: ["purpose", "text_version", "text", "evidence"])
        guard !body.text.isEmpty, body.text.utf8.count <= 65_536, (body.evidence?.utf8.count ?? 0) <= 4_096 else {
            throw Problem(
                .badRequest, code: .validationFailed,
                detail: "text must be 1 to 65536 bytes and evidence at most 4096 bytes")
        }
        let consent = try await gallery.grantConsent(
            tenant: key.tenantName, subject: subject, purpose: body.purpose, textVersion: body.textVersion,
            text: body.text, evidence: body.evidence)
        return try JSONBody.response(ConsentDocument(consent), status: .created)
    }

    struct RevocationAnswer: Encodable {
        var revoked: Int
        var erasure: ErasureDocument?
    }

    func revokeConsent(_ request: Request, _ context: Context) async throws -> Response {
        let key = try context.requireKey()
        let subject = try Self.subjectID(context)
        guard let purpose = request.uri.queryParameters["purpose"].map(String.init), !purpose.isEmpty else {
            throw Problem(.badRequest, code: .validationFailed, detail: "name the consent: ?purpose=…")
        }
        let details = try await gallery.details(tenant: key.tenantName, subject: subject)
        guard details.subject.erasedAt == nil else {
            throw Problem(.notFound, code: .notFound, detail: "no subject \(subject)")
        }
        let (revoked, erasure) = try await gallery.revokeConsent(
            tenant: key.tenantName, subject: subject, purpose: purpose)
        return try JSONBody.response(RevocationAnswer(revoked: revoked, erasure: erasure.map(ErasureDocument.init)))
    }

    /// Enrols one or more faces (`image`, repeatable, or `images`), each passing the enrolment
    /// quality profile; a face matching another subject is refused (409 `possible_duplicate`)
    /// unless `policy` is `enroll_and_flag`.
    func enroll(_ request: Request, _ context: Context) async throws -> Response {
        let key = try context.requireKey()
        let subject = try Self.subjectID(context)
        let fields = try await ImageRequest.read(
            request, limits: dependencies.configuration, imageFields: ["image", "images"],
            otherFields: ["policy", "purpose"])
        let images = fields.images("image", "images")
        guard !images.isEmpty else {
            throw Problem(.badRequest, code: .validationFailed, detail: "missing field image")
        }
        let policyName = try fields.string("policy") ?? DuplicatePolicy.reject.rawValue
        guard let policy = DuplicatePolicy(rawValue: policyName) else {
            throw Problem(.badRequest, code: .validationFailed, detail: "policy must be reject or enroll_and_flag")
        }
        let plan = EnrollmentPlan(
            tenant: key.tenantName, subject: subject, purpose: try fields.string("purpose") ?? Gallery.defaultPurpose,
            policy: policy, duplicateFMR: dependencies.configuration.defaultSearchFMR)
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
        let subject = try Self.subjectID(context)
        let fields = try await ImageRequest.read(
            request, limits: dependencies.configuration, imageFields: ["image"], otherFields: ["fmr"])
        let point = try dependencies.operatingPoint(
            fmr: try fields.double("fmr"), default: dependencies.configuration.defaultFMR)
        let image = try await dependencies.decode(try fields.image("image"), field: "image")
        return try JSONBody.response(
            try await dependencies.people.verify(image, tenant: key.tenantName, subject: subject, point: point))
    }
}
