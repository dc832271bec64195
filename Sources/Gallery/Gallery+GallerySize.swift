import Foundation

/// How many people and templates a 1:N search of a tenant compares a probe with.
public struct GallerySize: Sendable, Equatable, Codable {
    /// Subjects with at least one template for the pack.
    public var subjects: Int
    /// Their templates for the pack: the number of comparisons a search makes.
    public var templates: Int

    public init(subjects: Int, templates: Int) {
        self.subjects = subjects
        self.templates = templates
    }
}

extension Gallery {
    /// The size of the gallery a search of `tenant` and `pack` runs over, from the same index
    /// the search reads (every change committed before the call applied first).
    ///
    /// Counting is one pass over the index's templates: negligible beside the exact search
    /// (512 multiply-adds per template) and a few milliseconds per 100,000 templates.
    public func gallerySize(tenant: String, pack: String) async throws -> GallerySize {
        var attempt = 0
        while true {
            attempt += 1
            do {
                try await synchronize()
                let keys = try await keys(for: tenant, create: true)
                let index = try await index(for: keys, pack: pack)
                let ids = index.ids
                var subjects = Set<Int64>()
                subjects.reserveCapacity(ids.count)
                for id in ids { if let owner = index.owner(of: id) { subjects.insert(owner.subjectID) } }
                return GallerySize(subjects: subjects.count, templates: ids.count)
            } catch let stale as StaleKeys where attempt < 8 {
                forgetTenantKeys(stale.tenantID)
            }
        }
    }
}
