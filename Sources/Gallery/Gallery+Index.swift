import Foundation

/// The 1:N index of each tenant and pack: built once per process, on first use, by one build
/// that concurrent callers share, then kept current by the change log.
extension Gallery {
    /// The index of a tenant and pack, current to `appliedSequence`.
    ///
    /// A build that fails is remembered: for `configuration.indexRetryInterval` the tenant's
    /// searches fail at once with `index_unavailable` (naming the cause), then a build is tried
    /// again. An empty or partial index is never installed in its place, so a search never
    /// answers "no match" because the index could not be read.
    func index(for keys: TenantKeys, pack: String) async throws -> TemplateIndex {
        let key = IndexKey(tenantID: keys.tenant.id, pack: pack)
        while true {
            if let index = indexes[key] { return index }
            if let failure = indexFailures[key], ContinuousClock.now - failure.at < configuration.indexRetryInterval {
                throw Gallery.unavailable(keys.tenant.name, pack: pack, failure.reason)
            }
            if let build = indexBuilds[key] {
                let index = try await build.task.value
                if indexes[key] === index { return index }
                continue  // overtaken by a key rotation: build again
            }
            nextIndexGeneration += 1
            let generation = nextIndexGeneration
            let tenant = keys.tenant.name
            let task = Task { try await self.buildIndex(key: key, tenant: tenant, generation: generation) }
            indexBuilds[key] = IndexBuild(generation: generation, task: task)
            let index: TemplateIndex
            do {
                index = try await task.value
            } catch let error as GalleryError where error.code == .dataTampered || error.code == .indexFailure {
                // A build that cannot succeed until the data changes (a template that does not
                // open, an index that refuses the vectors): remember it. Store outages and key
                // errors are not remembered: they are answered as themselves, and the next call
                // retries.
                // Only the code reaches the client; the log has the whole cause.
                indexFailures[key] = IndexFailure(reason: error.code.rawValue, at: .now)
                configuration.logger.error(
                    "the index of a tenant could not be built; its searches fail until a retry succeeds",
                    metadata: [
                        "tenant": "\(tenant)", "pack": "\(pack)", "reason": "\(error)",
                        "retry_seconds": "\(configuration.indexRetryInterval.components.seconds)",
                    ])
                throw Gallery.unavailable(tenant, pack: pack, error.code.rawValue)
            }
            indexFailures.removeValue(forKey: key)
            if indexes[key] === index { return index }
        }
    }

    /// Builds an index from the tables and installs it once it has caught up with the changes
    /// applied meanwhile; a build overtaken by a key rotation returns without installing.
    private func buildIndex(key: IndexKey, tenant: String, generation: Int) async throws -> TemplateIndex {
        defer { if indexBuilds[key]?.generation == generation { indexBuilds.removeValue(forKey: key) } }
        while true {
            // The caches reflect the log up to `baseline`; the tables read next are at least as new.
            let baseline = appliedSequence
            let keys = try await keys(for: tenant, create: true)
            let templates = try await store.templates(tenantID: key.tenantID, pack: key.pack)
            if templates.contains(where: { ($0.keyVersion ?? 0) > keys.tenant.keyVersion }) {
                // Rotated since these keys were read: the rotation's change is applied next.
                try await synchronize()
                forgetTenantKeys(key.tenantID)
                continue
            }
            let names = try await store.subjectExternalIDs(ids: Array(Set(templates.map(\.subjectID))))
            let index = try await Gallery.makeIndex(
                templates, names: names, keys: keys, configuration: configuration)
            guard try await catchUp(index, key: key, from: baseline) else {
                if indexBuilds[key]?.generation != generation { return index }
                continue
            }
            guard indexBuilds[key]?.generation == generation else { return index }
            indexes[key] = index
            return index
        }
    }

    /// Applies to a new index the changes between its baseline and `appliedSequence`; false
    /// when the index must be built again (its tenant's keys were rotated, or the log was
    /// pruned past the baseline).
    private func catchUp(_ index: TemplateIndex, key: IndexKey, from baseline: Int64) async throws -> Bool {
        var cursor = baseline
        while cursor < appliedSequence {
            let target = appliedSequence
            let changes = try await store.changes(after: cursor, limit: Gallery.changeBatch)
                .filter { $0.sequence <= target }
            guard let first = changes.first, first.sequence == cursor + 1 else { return false }
            if changes.contains(where: { $0.kind == .tenantKeyRotated && $0.tenantID == key.tenantID }) {
                return false
            }
            let material = try await material(for: changes, tenants: [key.tenantID])
            apply(changes, to: [(key, index)], material: material, dropping: false)
            cursor = changes.last!.sequence
        }
        return true
    }

    static func unavailable(_ tenant: String, pack: String, _ reason: String) -> GalleryError {
        GalleryError(
            .indexUnavailable,
            "the index of tenant \(tenant) for model pack \(pack) could not be built (\(reason)); retry later")
    }

    func forgetTenantKeys(_ tenantID: Int64) {
        for (name, keys) in tenantKeys where keys.tenant.id == tenantID { tenantKeys.removeValue(forKey: name) }
    }

    /// Decrypts the templates and fills an index, off the actor: one tenant's build does not
    /// hold up the others' searches.
    @concurrent
    static func makeIndex(
        _ templates: [Template], names: [Int64: String], keys: TenantKeys, configuration: GalleryConfiguration
    ) async throws -> TemplateIndex {
        let index = TemplateIndex(
            dimension: configuration.dimension, approximateAbove: configuration.approximateAbove,
            candidates: configuration.candidates, threads: configuration.searchThreads)
        var vectors: [Float] = []
        vectors.reserveCapacity(templates.count * configuration.dimension)
        var owners: [TemplateIndex.Owner] = []
        owners.reserveCapacity(templates.count)
        for template in templates {
            let vector = try keys.open(template)
            guard vector.count == configuration.dimension else {
                throw GalleryError.tampered("template \(template.id) has \(vector.count) dimensions")
            }
            vectors.append(contentsOf: vector)
            // The external id read with the row is the one its authenticated context bound.
            let name = template.subjectExternalID ?? names[template.subjectID] ?? "?"
            owners.append(.init(subjectID: template.subjectID, externalID: name))
        }
        try index.add(ids: templates.map(\.id), owners: owners, vectors: vectors)
        return index
    }
}
