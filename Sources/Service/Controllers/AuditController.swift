import Foundation
import Gallery
import Hummingbird
import Workflows

/// `GET /v1/audit`: the key's tenant's own audit events, oldest first, paged by sequence, filtered
/// by subject, action and time in the store's query; `GET /v1/audit/verify`: the chain's state.
struct AuditController {
    typealias Context = ServiceRequestContext
    let dependencies: ServiceDependencies

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("audit") { request, context in try await events(request, context) }
        group.get("audit/verify") { _, context in try await verify(context) }
    }

    /// Whether the audit chain is intact: the whole chain is checked, and the breaks at the key's
    /// tenant's own events are listed (the others only counted).
    func verify(_ context: Context) async throws -> Response {
        let key = try context.requireKey()
        let scoped = try await dependencies.gallery.verifyAudit(tenant: key.tenantName)
        return try JSONBody.response(
            AuditVerificationDocument(
                scoped.verification, tenantProblems: scoped.tenantProblems, otherProblems: scoped.otherProblems))
    }

    func events(_ request: Request, _ context: Context) async throws -> Response {
        let key = try context.requireKey()
        let query = request.uri.queryParameters
        let after = try QueryValue.integer(query["after"].map(String.init), name: "after", in: 0...Int64.max) ?? 0
        let limit = try QueryValue.integer(query["limit"].map(String.init), name: "limit", in: 1...1_000) ?? 100
        // `action` may be repeated, or a comma-separated list, or both.
        let actions = query.getAll("action").flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let subject = query["subject"].map(String.init)
        if let subject, subject.isEmpty || subject.utf8.count > 128 {
            throw Problem(.badRequest, code: .validationFailed, detail: "subject is 1 to 128 bytes")
        }
        let filter = AuditFilter(
            subject: subject, actions: actions,
            since: try QueryValue.time(query["since"].map(String.init), name: "since"),
            until: try QueryValue.time(query["until"].map(String.init), name: "until"))
        let events = try await dependencies.gallery.auditEvents(
            tenant: key.tenantName, filter: filter, afterSequence: after, limit: limit)
        return try JSONBody.response(AuditPageDocument(events, limit: limit))
    }
}
