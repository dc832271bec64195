import Hummingbird

/// The answer to an image request the inference gate cannot take: 503 `overloaded`, built once.
///
/// Under overload refusals arrive as fast as clients resend, so each must cost almost nothing:
/// no JSON encoding, no lock taken to describe the gate, and `Connection: close`, so the body the
/// client already started sending is never read or parsed (the connection goes, not the server's time).
enum OverloadRefusal {
    static let body = ByteBuffer(
        string:
            #"{"code":"overloaded","detail":"the server is busy; retry after the given seconds","status":503,"title":"Service Unavailable","type":"urn:likeness:problem:overloaded"}"#
    )

    static let headers: HTTPFields = {
        var headers = HTTPFields()
        headers[.contentType] = "application/problem+json"
        headers[.cacheControl] = "no-store"
        headers[.retryAfter] = "1"
        headers[.connection] = "close"
        return headers
    }()

    static var response: Response {
        Response(status: .serviceUnavailable, headers: headers, body: .init(byteBuffer: body))
    }
}
