import Foundation
import HTTPTypes
import Hummingbird
import Workflows

/// `GET /capture` and `GET /capture.js`: the self-contained capture page (no external scripts,
/// no CDN), served with a strict Content-Security-Policy, never framed (`frame-ancestors 'none'`,
/// `X-Frame-Options`), never sniffed, and with no `Referer` sent from it. The session and its
/// capture token come in the link's fragment, which the browser never sends here.
struct CaptureController {
    typealias Context = ServiceRequestContext

    static func resource(_ name: String, _ type: String) -> Data? {
        Bundle.module.url(forResource: name, withExtension: type).flatMap { try? Data(contentsOf: $0) }
    }

    static let page = resource("capture", "html")
    static let script = resource("capture", "js")

    func addRoutes(to router: Router<Context>) {
        router.get("capture") { _, _ in
            try CaptureController.serve(CaptureController.page, type: "text/html; charset=utf-8")
        }
        router.get("capture.js") { _, _ in
            try CaptureController.serve(CaptureController.script, type: "text/javascript; charset=utf-8")
        }
    }

    static func serve(_ data: Data?, type: String) throws -> Response {
        guard let data else {
            throw Problem(.internalServerError, code: .internalError, detail: "the capture page is missing")
        }
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.contentSecurityPolicy] =
            "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; media-src 'self' blob:; img-src 'self' blob: data:; frame-ancestors 'none'; base-uri 'none'"
        headers[.cacheControl] = "no-store"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        // The camera for this origin's page only; nothing else the page never needs.
        headers[HTTPField.Name("Permissions-Policy")!] = "camera=(self), microphone=(), geolocation=(), payment=()"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
