import Foundation
import HTTPTypes
import Hummingbird

/// `GET /`, `/docs`, `/console` and their `/assets/NAME`: the browser pages shipped in the binary's
/// bundle (no request to any other host), under a CSP that allows only this origin's scripts and
/// styles and no framing.
struct PagesController {
    typealias Context = ServiceRequestContext

    /// The pages and assets of `Resources/web`, read once.
    let site: WebSite

    init(site: WebSite = .bundled) {
        self.site = site
    }

    func addRoutes(to router: Router<Context>) {
        for (path, name) in WebSite.pages {
            router.get(RouterPath(path)) { _, _ in try serve(name) }
        }
        router.get("assets/{name}") { _, context in
            let name = try context.parameters.require("name")
            // Pages have their own paths; an asset is never a page.
            guard !name.hasSuffix(".html") else {
                throw Problem(.notFound, code: .notFound, detail: "no asset \(name)")
            }
            return try serve(name)
        }
    }

    func serve(_ name: String) throws -> Response {
        guard let file = site.files[name] else {
            throw Problem(.notFound, code: .notFound, detail: "no asset \(name)")
        }
        var headers = WebSite.securityHeaders
        headers[.contentType] = file.contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: file.bytes)))
    }
}

/// The files of the bundled web directory, by name, with their content types.
struct WebSite: Sendable {
    struct File: Sendable {
        var bytes: [UInt8]
        var contentType: String
    }

    /// Paths of the pages and the files that answer them.
    static let pages: [(path: String, file: String)] = [
        ("/", "index.html"), ("/docs", "docs.html"), ("/console", "console.html"),
    ]

    static let contentTypes: [String: String] = [
        "html": "text/html; charset=utf-8", "js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8",
        "svg": "image/svg+xml", "png": "image/png", "ico": "image/x-icon",
    ]

    /// Only this origin's scripts, styles and API; images from it or from memory; never framed.
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' blob: data:; "
        + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

    static var securityHeaders: HTTPFields {
        var headers = HTTPFields()
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        headers[.cacheControl] = "no-store"
        return headers
    }

    var files: [String: File]

    /// The `web` directory of the service's bundle.
    static let bundled = WebSite(directory: Bundle.module.resourceURL?.appendingPathComponent("web"))

    /// Every file of `directory` whose extension has a known content type (none when it is absent).
    init(directory: URL?) {
        var files: [String: File] = [:]
        let names = directory.flatMap { try? FileManager.default.contentsOfDirectory(atPath: $0.path) } ?? []
        for name in names {
            guard let directory, let type = Self.contentTypes[(name as NSString).pathExtension],
                let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path)
            else { continue }
            files[name] = File(bytes: [UInt8](data), contentType: type)
        }
        self.files = files
    }
}
