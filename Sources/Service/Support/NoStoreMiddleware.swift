import Hummingbird

/// Marks every answer `Cache-Control: no-store` unless its route chose otherwise: answers name
/// people, consents and face boxes, and no browser or proxy cache should keep them. Problems get
/// the same header where they are made (`Problem.response`), since they bypass middleware.
struct NoStoreMiddleware: RouterMiddleware {
    typealias Context = ServiceRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response = try await next(request, context)
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}
