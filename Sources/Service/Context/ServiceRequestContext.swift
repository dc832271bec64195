import Gallery
import Hummingbird
import Workflows

/// The per-request context: Hummingbird's core storage plus the API key that authenticated it.
public struct ServiceRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `BearerAuthMiddleware` on every `/v1` route.
    public var apiKey: APIKey?

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// The id of this request in the log and in the response's `X-Request-Id`: the caller's own if
    /// it sent a short safe token, else a fresh one (set by `RequestLogMiddleware`).
    public var requestID: String { id }

    /// The authenticated key; routes behind the auth middleware can rely on it.
    func requireKey() throws -> APIKey {
        guard let apiKey else { throw Problem(.unauthorized, code: .unauthorized, detail: "an API key is required") }
        return apiKey
    }
}
