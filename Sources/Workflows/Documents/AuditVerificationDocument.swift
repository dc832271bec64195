import Foundation
import Gallery

/// Whether the audit chain is intact (`GET /v1/audit/verify`, `likeness audit verify --json`).
public struct AuditVerificationDocument: Encodable, Sendable {
    /// One break in the chain, located by the sequence number of the event where it shows.
    public struct Problem: Encodable, Sendable {
        public var kind: String
        public var sequence: Int64
        public var detail: String

        init(_ problem: AuditVerification.Problem) {
            kind = problem.kind.rawValue
            sequence = problem.sequence
            detail = problem.detail
        }
    }

    /// The chain's end compared with the head anchored outside the database (no file path).
    public struct Head: Encodable, Sendable {
        /// `current`, `behind`, `missing`, `invalid` or `truncated`.
        public var state: String
        /// The anchored sequence number, when the head file is valid.
        public var sequence: Int64?

        init(_ head: AuditVerification.Head) {
            state = head.state.rawValue
            sequence = head.sequence
        }
    }

    /// True when the whole chain, every tenant's events included, has no break.
    public var intact: Bool
    /// How many events were checked (the whole chain).
    public var events: Int
    /// The breaks; for a tenant-scoped check only those at that tenant's own events.
    public var problems: [Problem]
    /// For a tenant-scoped check, how many breaks lie at other tenants' events; absent otherwise.
    public var problemsInOtherTenants: Int?
    /// Absent when the gallery has no place for a head file.
    public var head: Head?

    enum CodingKeys: String, CodingKey {
        case intact, events, problems, head
        case problemsInOtherTenants = "problems_in_other_tenants"
    }

    /// The whole chain's verification, every break listed.
    public init(_ verification: AuditVerification) {
        intact = verification.isIntact
        events = verification.events
        problems = verification.problems.map(Problem.init)
        head = verification.head.map(Head.init)
    }

    /// The whole chain's verification seen from one tenant: its own breaks, the others counted.
    public init(_ verification: AuditVerification, tenantProblems: [AuditVerification.Problem], otherProblems: Int) {
        intact = verification.isIntact
        events = verification.events
        problems = tenantProblems.map(Problem.init)
        problemsInOtherTenants = otherProblems
        head = verification.head.map(Head.init)
    }
}
