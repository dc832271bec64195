import Foundation

extension Gallery {
    /// Records an event that goes with no other change (a search, a refused enrolment).
    func record(_ draft: AuditDraft) async throws {
        let signer = signer
        _ = try await write { try await $0.appendAudit(draft, signer: signer) }
    }

    /// Runs a store transaction, then anchors the audit chain's new head outside the database
    /// (`AuditHeadFile`) when the transaction appended events.
    ///
    /// The head is written after the commit: a crash in between leaves the file behind the
    /// chain (reported as `behind`, which is no break), never ahead of it.
    func write<T: Sendable>(_ body: @Sendable @escaping (any StoreTransaction) async throws -> T) async throws -> T {
        let appended = AuditAppendRecorder()
        let value = try await store.transaction { transaction in
            // Bound inside the body, so the store's way of running it cannot lose the binding;
            // reset on each run, in case a store runs the body again after a conflict.
            try await AuditAppendRecorder.$current.withValue(appended) {
                appended.reset()
                return try await body(transaction)
            }
        }
        if let head = appended.last { await anchorAuditHead(head) }
        return value
    }

    /// Writes the signed head file; a failure is logged, not thrown (the change is committed,
    /// and a head file left behind only weakens the truncation check, it raises no alarm).
    func anchorAuditHead(_ head: AuditLink) async {
        guard let headFile else { return }
        do {
            try await headFile.advance(to: head)
        } catch {
            configuration.logger.error(
                "cannot write the audit head file",
                metadata: ["path": "\(headFile.url.path)", "sequence": "\(head.sequence)", "reason": "\(error)"])
        }
    }
}
