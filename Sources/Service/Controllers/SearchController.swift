import FaceKit
import Foundation
import Gallery
import Hummingbird
import Workflows

/// `POST /v1/search`: 1:N identification of an image's one face within the key's tenant.
struct SearchController {
    typealias Context = ServiceRequestContext
    let dependencies: ServiceDependencies

    func addRoutes(imageGroup: RouterGroup<Context>) {
        imageGroup.post("search") { request, context in try await search(request, context) }
    }

    /// `image`, `k` (1…100, default 5), `fpir` (default 1e-3, held at the gallery's size) or `fmr`
    /// (per comparison).
    func search(_ request: Request, _ context: Context) async throws -> Response {
        let key = try context.requireKey()
        let fields = try await ImageRequest.read(
            request, limits: dependencies.configuration, imageFields: ["image"], otherFields: ["k", "fmr", "fpir"])
        let k = try fields.int("k") ?? IdentifyOptions.defaultK
        guard (1...100).contains(k) else {
            throw Problem(.badRequest, code: .validationFailed, detail: "k must be in 1...100")
        }
        let point = try await dependencies.identificationPoint(fields, tenant: key.tenantName)
        let image = try await dependencies.decode(try fields.image("image"), field: "image")
        return try JSONBody.response(
            try await dependencies.people.search(image, tenant: key.tenantName, k: k, point: point))
    }
}
