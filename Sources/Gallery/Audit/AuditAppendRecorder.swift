import Foundation
import Synchronization

/// Notes the last audit event a transaction appended, so the gallery can anchor the chain's
/// head once the transaction commits (`Gallery.write`).
final class AuditAppendRecorder: Sendable {
    /// The recorder of the transaction running in this task, if the gallery set one.
    @TaskLocal static var current: AuditAppendRecorder?

    private let state = Mutex<AuditLink?>(nil)

    var last: AuditLink? { state.withLock { $0 } }

    func note(_ event: AuditEvent) {
        state.withLock { $0 = AuditLink(sequence: event.sequence, hash: event.hash) }
    }

    func reset() { state.withLock { $0 = nil } }
}
