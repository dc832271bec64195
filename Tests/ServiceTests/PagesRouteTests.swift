import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Service

/// The browser pages (`/`, `/docs`, `/console`) and their assets: served from the bundle, under a
/// strict CSP, never framed, every asset a page links to present.
@Suite(
    "Pages: landing page, API reference, console", .enabled(if: ServiceFixtures.required, ServiceFixtures.skipReason))
struct PagesRouteTests {
    static func expectSecurityHeaders(_ response: TestResponse, _ path: String) {
        let policy = response.headers[.contentSecurityPolicy] ?? ""
        #expect(policy.contains("default-src 'none'"), "\(path)")
        #expect(policy.contains("frame-ancestors 'none'"), "\(path)")
        #expect(policy.contains("script-src 'self'") && !policy.contains("unsafe"), "\(path): \(policy)")
        #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY", "\(path)")
        #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff", "\(path)")
        #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer", "\(path)")
        #expect(response.headers[.cacheControl] == "no-store", "\(path)")
    }

    /// The `/assets/NAME` references of a page's HTML (scripts, style sheets, icons).
    static func assets(of html: String) -> [String] {
        let pattern = try! NSRegularExpression(pattern: #"(?:src|href)="(/assets/[^"]+)""#)
        let range = NSRange(html.startIndex..., in: html)
        return pattern.matches(in: html, range: range).compactMap {
            Range($0.range(at: 1), in: html).map { String(html[$0]) }
        }
    }

    @Test("each page is HTML with the security headers, loads only its own assets, and each asset is served")
    func pages() async throws {
        try await ServiceHarness.make().run { client in
            for (path, _) in WebSite.pages {
                var html = ""
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .ok, "\(path)")
                    #expect(response.headers[.contentType] == "text/html; charset=utf-8", "\(path)")
                    Self.expectSecurityHeaders(response, path)
                    html = String(buffer: response.body)
                }
                #expect(html.lowercased().hasPrefix("<!doctype html>"), "\(path)")
                // Nothing from another host, no inline script or style the CSP would block.
                #expect(!html.contains("http://") && !html.contains("https://"), "\(path) names another host")
                #expect(!html.contains(" style=\"") && !html.contains("<style"), "\(path) has inline style")
                let scripts = html.components(separatedBy: "<script").dropFirst()
                #expect(
                    scripts.allSatisfy { $0.hasPrefix(" src=\"/assets/") || $0.contains("src=\"/assets/") }, "\(path)")
                let assets = Self.assets(of: html)
                #expect(!assets.isEmpty, "\(path) loads no script or style")
                for asset in assets {
                    try await client.execute(uri: asset, method: .get) { response in
                        #expect(response.status == .ok, "\(path) links \(asset)")
                        Self.expectSecurityHeaders(response, asset)
                        let type = response.headers[.contentType] ?? ""
                        if asset.hasSuffix(".js") { #expect(type == "text/javascript; charset=utf-8") }
                        if asset.hasSuffix(".css") { #expect(type == "text/css; charset=utf-8") }
                    }
                }
            }
        }
    }

    @Test("the capture page and its script: never framed or sniffed, no referrer, and the token never in the query")
    func capturePage() async throws {
        try await ServiceHarness.make().run { client in
            for path in ["/capture", "/capture.js"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .ok, "\(path)")
                    let policy = response.headers[.contentSecurityPolicy] ?? ""
                    for directive in [
                        "default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'",
                        "base-uri 'none'",
                    ] {
                        #expect(policy.contains(directive), "\(path): \(policy)")
                    }
                    // Inline style only (the page's own <style>); no inline or foreign script.
                    #expect(!policy.contains("'unsafe-eval'") && !policy.contains("script-src 'unsafe"), "\(policy)")
                    #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY", "\(path)")
                    #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff", "\(path)")
                    // The page holds a capture token: no Referer may carry the page's address away.
                    #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer", "\(path)")
                    #expect(response.headers[.cacheControl] == "no-store", "\(path)")
                    #expect(
                        response.headers[HTTPField.Name("Permissions-Policy")!]?.contains("camera=(self)") == true,
                        "\(path)")
                }
            }
            // The link carries the token in the fragment, which browsers never send; the script
            // reads it from there and clears it from the address bar and the history.
            try await client.execute(uri: "/capture.js", method: .get) { response in
                let script = String(buffer: response.body)
                #expect(script.contains("location.hash"))
                #expect(script.contains("history.replaceState"))
                #expect(!script.contains("location.search"))
            }
            // A link that puts the token in the query (where access logs and Referer see it) is refused.
            try await client.execute(uri: "/capture?session=ls_1&token=lc_1", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(HTTPBody.code(response) == "validation_failed")
            }
        }
    }

    @Test("an unknown asset, a page asked for as an asset, and a path outside the directory are 404 problems")
    func missingAssets() async throws {
        try await ServiceHarness.make().run { client in
            for uri in [
                "/assets/nothing.js", "/assets/console.html", "/assets/..%2FPackage.swift", "/assets/", "/console/x",
            ] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .notFound, "\(uri)")
                    #expect(response.headers[.contentType] == "application/problem+json", "\(uri)")
                }
            }
            try await client.execute(uri: "/console", method: .post) { response in
                #expect(response.status == .notFound || response.status == .methodNotAllowed)
            }
        }
    }

    @Test("the bundled directory holds the three pages and nothing the server would not serve")
    func bundle() throws {
        let site = WebSite.bundled
        for (_, file) in WebSite.pages { #expect(site.files[file] != nil, "missing \(file)") }
        #expect(site.files.keys.allSatisfy { WebSite.contentTypes[($0 as NSString).pathExtension] != nil })
    }

    @Test("a directory that is absent or holds unknown kinds of file gives an empty site, not a crash")
    func absentDirectory() throws {
        #expect(WebSite(directory: nil).files.isEmpty)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("likeness-web-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("x".utf8).write(to: directory.appendingPathComponent("notes.txt"))
        try Data("body{}".utf8).write(to: directory.appendingPathComponent("a.css"))
        let site = WebSite(directory: directory)
        #expect(Set(site.files.keys) == ["a.css"])
        #expect(site.files["a.css"]?.contentType == "text/css; charset=utf-8")
    }
}
