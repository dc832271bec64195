import Foundation

/// Following the store's change log: every process's copies (indexes, tenant keys, the master
/// key's wrapper) apply the changes every process commits, in order.
extension Gallery {
    /// Changes read from the log per round trip.
    static let changeBatch = 2_000

    /// Applies every change committed before this call, so that what the caller reads next from
    /// the caches is no older than the store was when it called.
    ///
    /// One read of the log's head when nothing changed (an indexed `max`); otherwise the
    /// changes since the last applied one are read and applied, by one catch-up at a time that
    /// concurrent callers share.
    public func synchronize() async throws {
        let head = try await store.changeHead()
        while appliedSequence < head {
            if let running = catchUp {
                try await running.value
                continue
            }
            let task = Task { try await self.runCatchUp(upTo: head) }
            catchUp = task
            try await task.value
        }
    }

    private func runCatchUp(upTo head: Int64) async throws {
        defer { catchUp = nil }
        while appliedSequence < head {
            let from = appliedSequence
            let changes = try await store.changes(after: from, limit: Gallery.changeBatch)
            guard let first = changes.first, first.sequence == from + 1 else {
                // The log no longer reaches back to what this process applied (it was pruned,
                // or the process fell far behind): start again from the tables.
                configuration.logger.notice(
                    "the change log no longer reaches this process's copies; rebuilding them",
                    metadata: ["applied": "\(from)", "oldest": "\(changes.first?.sequence ?? -1)"])
                forgetDerivedState()
                appliedSequence = max(head, changes.last?.sequence ?? head)
                return
            }
            let targets = indexes.map { (key: $0.key, index: $0.value) }
            let material = try await material(for: changes, tenants: Set(targets.map(\.key.tenantID)))
            // No await from here to the end of the batch: nothing else sees a half-applied batch.
            apply(changes, to: targets, material: material, dropping: true)
            appliedSequence = changes.last!.sequence
        }
    }

    /// The template rows and subject names that the added templates in `changes` need, for the
    /// tenants in `tenants`.
    func material(for changes: [Change], tenants: Set<Int64>) async throws -> ChangeMaterial {
        let added = changes.filter { $0.kind == .templateAdded && tenants.contains($0.tenantID ?? -1) }
            .compactMap(\.templateID)
        guard !added.isEmpty else { return ChangeMaterial() }
        let rows = try await store.templates(ids: added)
        let names = try await store.subjectExternalIDs(ids: Array(Set(rows.map(\.subjectID))))
        return ChangeMaterial(templates: Dictionary(uniqueKeysWithValues: rows.map { ($0.id, $0) }), names: names)
    }

    /// Applies a contiguous batch of changes to `targets` (and, with `dropping`, to the key
    /// caches). Adds and removals are idempotent, so a change the target already reflects (an
    /// index built from tables read after the change) is harmless.
    func apply(
        _ changes: [Change], to targets: [(key: IndexKey, index: TemplateIndex)], material: ChangeMaterial,
        dropping: Bool
    ) {
        // A tenant rotated in this batch loses its indexes and keys; its earlier changes need
        // not be applied (and its fetched rows are sealed under the new key).
        let rotated = Set(changes.filter { $0.kind == .tenantKeyRotated }.compactMap(\.tenantID))
        for change in changes {
            guard let tenantID = change.tenantID else {
                if change.kind == .masterKeyRewrapped, dropping { reloadMasterKey() }
                continue
            }
            if rotated.contains(tenantID) && change.kind != .tenantKeyRotated { continue }
            let tenantTargets = targets.filter { $0.key.tenantID == tenantID }
            switch change.kind {
            case .templateAdded:
                guard let id = change.templateID, let row = material.templates[id] else { continue }
                for target in tenantTargets where target.key.pack == row.pack && !target.index.contains(id) {
                    addTemplate(row, name: material.names[row.subjectID], to: target)
                }
            case .templateRemoved:
                guard let id = change.templateID else { continue }
                for target in tenantTargets { target.index.remove(ids: [id]) }
            case .subjectErased:
                guard let subjectID = change.subjectID else { continue }
                for target in tenantTargets { target.index.remove(ids: target.index.templates(of: subjectID)) }
            case .consentWithdrawn, .masterKeyRewrapped:
                continue
            case .tenantKeyRotated:
                if dropping { forgetTenant(tenantID) }
            }
        }
    }

    private func addTemplate(_ row: Template, name: String?, to target: (key: IndexKey, index: TemplateIndex)) {
        guard let keys = tenantKeys.values.first(where: { $0.tenant.id == target.key.tenantID }) else {
            indexes.removeValue(forKey: target.key)  // rebuilt with fresh keys on next use
            return
        }
        do {
            let vector = try keys.open(row)
            guard vector.count == configuration.dimension else {
                throw GalleryError.tampered("template \(row.id) has \(vector.count) dimensions")
            }
            try target.index.add(
                ids: [row.id], owners: [.init(subjectID: row.subjectID, externalID: name ?? "?")], vectors: vector)
        } catch {
            // The next use rebuilds the index from the tables, and reports the failure to its caller.
            configuration.logger.warning(
                "a change could not be applied to an index; it will be rebuilt",
                metadata: ["template": "\(row.id)", "reason": "\(error)"])
            indexes.removeValue(forKey: target.key)
        }
    }

    /// Drops a tenant's keys and indexes, and overtakes its index builds in flight.
    func forgetTenant(_ tenantID: Int64) {
        for (name, keys) in tenantKeys where keys.tenant.id == tenantID { tenantKeys.removeValue(forKey: name) }
        for key in indexes.keys where key.tenantID == tenantID { indexes.removeValue(forKey: key) }
        for key in indexBuilds.keys where key.tenantID == tenantID { indexBuilds.removeValue(forKey: key) }
        for key in indexFailures.keys where key.tenantID == tenantID { indexFailures.removeValue(forKey: key) }
    }

    func forgetDerivedState() {
        tenantKeys.removeAll()
        indexes.removeAll()
        indexBuilds.removeAll()
        reloadMasterKey()
    }

    /// Starts following the change log between requests: woken by the store's notifications
    /// (PostgreSQL) and every `followInterval`.
    func startFollowing() {
        guard follower == nil else { return }
        let notifications = store.changeNotifications()
        let interval = configuration.followInterval
        follower = Task { [weak self] in
            await withTaskGroup(of: Void.self) { group in
                if let notifications {
                    group.addTask { [weak self] in
                        for await _ in notifications { await self?.follow() }
                    }
                }
                group.addTask { [weak self] in
                    while !Task.isCancelled {
                        try? await Task.sleep(for: interval)
                        guard let self, !Task.isCancelled else { return }
                        await self.follow()
                    }
                }
                // Expired liveness sessions are swept by whichever process is up, even when no
                // node creates sessions any more.
                group.addTask { [weak self] in
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(60))
                        guard let self, !Task.isCancelled else { return }
                        _ = try? await self.store.sweepLivenessSessions(
                            expiredBefore: Date().addingTimeInterval(-LivenessSessionRecord.retention))
                    }
                }
            }
        }
    }

    private func follow() async {
        do {
            try await synchronize()
            lastFollowFailure = nil
        } catch {
            if Task.isCancelled { return }  // the gallery is closing
            // Requests still check the log themselves; one warning per minute is enough here.
            let now = ContinuousClock.now
            if let last = lastFollowFailure, now - last < .seconds(60) { return }
            lastFollowFailure = now
            configuration.logger.warning("following the change log failed", metadata: ["reason": "\(error)"])
        }
    }
}

/// What applying added templates needs from the store, read before the batch is applied.
struct ChangeMaterial: Sendable {
    var templates: [Int64: Template] = [:]
    var names: [Int64: String] = [:]
}
