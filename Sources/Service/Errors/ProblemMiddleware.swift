import Hummingbird

/// Turns every error a route throws into a problem+json response (the one place errors become HTTP).
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = ServiceRequestContext
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            throw Problem.from(error)
        }
    }
}
