import Hummingbird
import Logging
import Workflows

/// Turns every error a route throws into a problem+json response (the one place errors become HTTP).
///
/// An unexpected error, one that becomes a 5xx, is logged here at `error` with its type and a
/// scrubbed description: the client only sees `internal_error`, so this line is what the operator
/// has to go on. Client errors (4xx) are expected and show only in the request line.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = ServiceRequestContext
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            let problem = Problem.from(error)
            if Self.isUnexpected(error, becoming: problem) {
                context.logger.error(
                    "unexpected error: \(problem.code)",
                    metadata: [
                        "error.type": .string(String(reflecting: type(of: error))),
                        "error.message": .string(Self.cause(of: error)),
                        "http.status": .stringConvertible(problem.status.code),
                    ])
            }
            throw problem
        }
    }

    /// A 5xx is unexpected unless a route chose it on purpose to shed load or report readiness
    /// (`overloaded`, `not_ready`); an explicit `internal_error` problem is unexpected too.
    static func isUnexpected(_ error: any Error, becoming problem: Problem) -> Bool {
        guard problem.status.code >= 500 else { return false }
        return !(error is Problem) || problem.code == .internalError
    }

    /// The error's own description, scrubbed of anything that could be a payload or a secret.
    static func cause(of error: any Error) -> String {
        if let problem = error as? Problem { return problem.detail }
        return LogRedaction.scrub(String(describing: error))
    }
}
