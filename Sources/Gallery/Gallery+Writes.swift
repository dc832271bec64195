import Foundation

extension Gallery {
    /// Records an event that goes with no other change (a search, a refused enrolment).
    func record(_ draft: AuditDraft) async throws {
        let signer = signer
        _ = try await store.transaction { try await $0.appendAudit(draft, signer: signer) }
    }
}
