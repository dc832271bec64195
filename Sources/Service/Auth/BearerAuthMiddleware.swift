import Gallery
import Hummingbird
import Workflows

/// Authenticates `Authorization: Bearer <key>` against the gallery's hashed API keys.
///
/// The key fixes the tenant of everything the request does; requests without a valid, unrevoked
/// key get 401 `unauthorized`. Keys are looked up through `cache` (a revoked key stops working
/// within its lifetime, 1 s).
struct BearerAuthMiddleware: RouterMiddleware {
    typealias Context = ServiceRequestContext
    let gallery: Gallery
    let cache: APIKeyCache

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw Problem(.unauthorized, code: .unauthorized, detail: "send Authorization: Bearer <API key>")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer",
            let key = try await cache.authenticate(
                secret: parts[1].trimmingCharacters(in: .whitespaces), gallery: gallery)
        else {
            throw Problem(.unauthorized, code: .unauthorized, detail: "the API key is unknown or revoked")
        }
        var context = context
        context.apiKey = key
        return try await Gallery.$actingAs.withValue("key:\(key.id)") { try await next(request, context) }
    }
}
