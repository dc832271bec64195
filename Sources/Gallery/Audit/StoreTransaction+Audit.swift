import Foundation

extension StoreTransaction {
    /// Appends an event after the last one: the next sequence number, linked to its hash and
    /// signed. The chaining rule lives here, once, rather than in each store.
    ///
    /// Correct only inside a store transaction, which serialises appends (see
    /// `GalleryStore.transaction`).
    public func appendAudit(_ draft: AuditDraft, signer: AuditSigner, at time: Date = Date()) async throws
        -> AuditEvent
    {
        let last = try await lastAuditLink()
        let event = signer.link(
            draft, sequence: (last?.sequence ?? 0) + 1, timeMilliseconds: time.storeMilliseconds,
            previousHash: last?.hash)
        try await insertAuditEvent(event)
        AuditAppendRecorder.current?.note(event)
        return event
    }
}
