import Foundation
import Gallery
import Hummingbird
import Workflows

/// `/v1/review/duplicates…`: faces enrolled under `enroll_and_flag` that matched other
/// subjects, for a person to review, and their resolution.
struct ReviewController {
    typealias Context = ServiceRequestContext
    let dependencies: ServiceDependencies
    var gallery: Gallery { dependencies.gallery }

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("review/duplicates") { request, context in try await list(request, context) }
        group.post("review/duplicates/{face}/resolve") { request, context in try await resolve(request, context) }
    }

    func list(_ request: Request, _ context: Context) async throws -> Response {
        let key = try context.requireKey()
        let query = request.uri.queryParameters
        let after = try QueryValue.integer(query["after"].map(String.init), name: "after", in: 0...Int64.max) ?? 0
        let limit = try QueryValue.integer(query["limit"].map(String.init), name: "limit", in: 1...1_000) ?? 100
        let page = try await gallery.duplicateReview(tenant: key.tenantName, after: after, limit: limit)
        return try JSONBody.response(DuplicateReviewDocument(page))
    }

    struct ResolveRequest: Decodable {
        var resolution: String
    }

    func resolve(_ request: Request, _ context: Context) async throws -> Response {
        let key = try context.requireKey()
        let face = try SubjectController.faceID(context)
        let body = try await JSONBody.decode(
            ResolveRequest.self, from: request, limits: dependencies.configuration, allowedKeys: ["resolution"])
        guard let resolution = FaceFlag.Resolution(rawValue: body.resolution) else {
            throw Problem(.badRequest, code: .validationFailed, detail: "resolution must be distinct or same_person")
        }
        let flag = try await gallery.resolveDuplicate(tenant: key.tenantName, face: face, resolution: resolution)
        return try JSONBody.response(DuplicateFlagDocument(flag))
    }
}
