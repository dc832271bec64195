import Foundation

/// A page of a tenant's live subjects, by external id.
public struct SubjectPage: Sendable, Equatable {
    public var subjects: [SubjectListing]
    /// Live subjects whose id starts with the prefix.
    public var total: Int
    /// Pass as `after` for the next page; nil on the last page.
    public var next: String?
}

extension Gallery {
    /// The most subjects one page holds.
    public static let maximumPageSize = 1_000

    /// Live subjects whose id starts with `prefix`, in byte order of the id, after the cursor
    /// `after` (a previous page's `next`), at most `limit` (1…1000).
    /// - Throws: `invalid_argument` for a limit out of range, a prefix over 128 bytes or with
    ///   control characters, or a cursor this gallery did not issue.
    public func subjectPage(tenant: String, prefix: String = "", after: String? = nil, limit: Int = 100)
        async throws -> SubjectPage
    {
        guard (1...Gallery.maximumPageSize).contains(limit) else {
            throw GalleryError(.invalidArgument, "limit must be in 1...\(Gallery.maximumPageSize)")
        }
        guard prefix.utf8.count <= 128,
            prefix.unicodeScalars.allSatisfy({ !CharacterSet.controlCharacters.contains($0) })
        else { throw GalleryError(.invalidArgument, "a prefix is at most 128 bytes of printable text") }
        let start = try after.map(Gallery.subjectID(fromCursor:))
        let keys = try await keys(for: tenant, create: true)
        var page = try await store.subjectPage(
            tenantID: keys.tenant.id, prefix: prefix, after: start, limit: limit + 1)
        let more = page.subjects.count > limit
        if more { page.subjects.removeLast(page.subjects.count - limit) }
        return SubjectPage(
            subjects: page.subjects, total: page.total,
            next: more ? page.subjects.last.map { Gallery.cursor(after: $0.subject.externalID) } : nil)
    }

    /// The opaque cursor for the page after a subject id: base64url of its bytes.
    static func cursor(after externalID: String) -> String {
        Data(externalID.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func subjectID(fromCursor cursor: String) throws -> String {
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard cursor.utf8.count <= 200, !cursor.contains("="), !cursor.contains("+"), !cursor.contains("/"),
            let data = Data(base64Encoded: base64), let id = String(data: data, encoding: .utf8),
            (try? validate(name: id, what: "subject")) != nil, Gallery.cursor(after: id) == cursor
        else {
            throw GalleryError(.invalidArgument, "after is not a cursor from a previous page")
        }
        return id
    }
}
