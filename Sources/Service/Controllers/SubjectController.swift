import FaceKit
import Foundation
import Gallery
import Hummingbird
import Workflows

/// `/v1/subjects…`: list, create, read, update and erase subjects and their faces, record consent.
///
/// Everything is scoped to the tenant of the request's API key: another tenant's subject is
/// simply not found.
struct SubjectController {
    typealias Context = ServiceRequestContext
    let dependencies: ServiceDependencies
    var gallery: Gallery { dependencies.gallery }

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("subjects") { request, context in try await list(request, context) }
        group.post("subjects") { request, context in try await create(request, context) }
        group.get("subjects/{id}") { _, context in try await show(context) }
        group.patch("subjects/{id}") { request, context in try await update(request, context) }
        group.delete("subjects/{id}") { _, context in try await erase(context) }
        group.get("subjects/{id}/faces") { _, context in try await faces(context) }
        group.delete("subjects/{id}/faces/{face}") { _, context in try await eraseFace(context) }
        group.post("subjects/{id}/consents") { request, context in try await grantConsent(request, context) }
        group.delete("subjects/{id}/consents") { request, context in try await revokeConsent(request, context) }
    }

    static func subjectID(_ context: Context) throws -> String {
        let raw = try context.parameters.require("id")
        guard let id = raw.removingPercentEncoding, !id.isEmpty, id.utf8.count <= 128 else {
            throw Problem(.badRequest, code: .validationFailed, detail: "a subject id is 1 to 128 bytes")
        }
        return id
    }

    /// The `{face}` path parameter: a template id.
    static func faceID(_ context: Context) throws -> Int64 {
        guard let face = Int64(try context.parameters.require("face")), face > 0 else {
            throw Problem(.badRequest, code: .validationFailed, detail: "a face id is a positive integer")
        }
        return face
    }

    struct CreateRequest: Decodable {
        var id: String
        var metadata: SubjectMetadata?
    }

    func create(_ request: Request, _ context: Context) async throws -> Response {
        let key = try context.requireKey()
        let body = try await JSONBody.decode(
            CreateRequest.self, from: request, limits: dependencies.configuration, allowedKeys: ["id", "metadata"])
        _ = try await gallery.createSubject(tenant: key.tenantName, subject: body.id, metadata: body.metadata)
        let details = try await gallery.details(tenant: key.tenantName, subject: body.id)
        var response = try JSONBody.response(SubjectDocument(details), status: .created)
        response.headers[.location] = Self.location(of: body.id)
        return response
    }

    /// The subject's URL path, its id one percent-encoded path segment (`a/b` → `a%2Fb`).
    static func location(of subject: String) -> String {
        var segment = CharacterSet.urlPathAllowed
        segment.remove(charactersIn: "/")
        return "/v1/subjects/\(subject.addingPercentEncoding(withAllowedCharacters: segment) ?? subject)"
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
        // Idempotent: a consent already active for the purpose and text version answers 200 as it is.
        let (consent, created) = try await gallery.recordConsent(
            tenant: key.tenantName, subject: subject, purpose: body.purpose, textVersion: body.textVersion,
            text: body.text, evidence: body.evidence)
        return try JSONBody.response(ConsentDocument(consent), status: created ? .created : .ok)
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
        // 404 for a subject that is not live, and for a purpose without an active consent.
        let (revoked, erasure) = try await gallery.revokeConsent(
            tenant: key.tenantName, subject: subject, purpose: purpose)
        return try JSONBody.response(RevocationAnswer(revoked: revoked, erasure: erasure.map(ErasureDocument.init)))
    }
}
