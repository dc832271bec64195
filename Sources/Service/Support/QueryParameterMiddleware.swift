import Hummingbird
import Workflows

/// Refuses a query parameter the matched operation does not declare in the OpenAPI document,
/// and a repeated one the document does not declare as an array: 400 `validation_failed`
/// naming it, on every route the document describes, the probes included. An unknown
/// parameter is a client's mistake (`?subject=` on a route without that filter would otherwise
/// silently answer for everyone), so it is never ignored.
///
/// Added to the router before its routes, it runs once the router has matched a route, so
/// `context.endpointPath` is the route's template (`/v1/subjects/{id}`), the document's key.
struct QueryParameterMiddleware: RouterMiddleware {
    typealias Context = ServiceRequestContext
    let declared: DeclaredQueryParameters

    init(declared: DeclaredQueryParameters = .shipped) {
        self.declared = declared
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        if request.uri.query != nil, let template = context.endpointPath,
            let parameters = declared.parameters(template: template, method: request.method.rawValue),
            let problem = DeclaredQueryParameters.problem(with: request.uri.queryParameters, declared: parameters)
        {
            throw Problem(.badRequest, code: .validationFailed, detail: problem)
        }
        return try await next(request, context)
    }
}
