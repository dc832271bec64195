import Foundation
import Gallery
import Hummingbird
import Workflows

/// `GET /v1/audit`: the key's tenant's own audit events, oldest first, paged by sequence.
struct AuditController {
    typealias Context = ServiceRequestContext
    let dependencies: ServiceDependencies

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("audit") { request, context in try await events(request, context) }
    }

    struct EventBody: Encodable {
        var sequence: Int64
        var time: Date
        var actor: String
        var action: String
        var subject: String?
        var details: JSONText
    }

    /// Details are stored as canonical JSON text; they go out as the object they are.
    struct JSONText: Encodable {
        let text: String

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            let value = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
            try container.encode(EncodableJSON(value))
        }
    }

    struct Page: Encodable {
        var events: [EventBody]
        /// Pass as `after` for the next page; present whenever the page is full, so the page after
        /// the last full one may be empty.
        var next: Int64?
    }

    func events(_ request: Request, _ context: Context) async throws -> Response {
        let key = try context.requireKey()
        let query = request.uri.queryParameters
        let after =
            try query["after"].map { text -> Int64 in
                guard let value = Int64(text), value >= 0 else {
                    throw Problem(.badRequest, code: .validationFailed, detail: "after must be a sequence number ≥ 0")
                }
                return value
            } ?? 0
        let limit =
            try query["limit"].map { text -> Int in
                guard let value = Int(text), (1...1_000).contains(value) else {
                    throw Problem(.badRequest, code: .validationFailed, detail: "limit must be in 1...1000")
                }
                return value
            } ?? 100
        let events = try await dependencies.gallery.auditEvents(
            tenant: key.tenantName, afterSequence: after, limit: limit)
        let bodies = events.map {
            EventBody(
                sequence: $0.sequence, time: $0.time, actor: $0.actor, action: $0.action, subject: $0.subject,
                details: JSONText(text: $0.details))
        }
        return try JSONBody.response(Page(events: bodies, next: events.count == limit ? events.last?.sequence : nil))
    }
}

/// Re-encodes a decoded JSON value.
struct EncodableJSON: Encodable {
    let value: JSONValue

    init(_ value: JSONValue) { self.value = value }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch value {
        case .null: try container.encodeNil()
        case .bool(let flag): try container.encode(flag)
        case .number(let number): try container.encode(number)
        case .string(let text): try container.encode(text)
        case .array(let items): try container.encode(items.map(EncodableJSON.init))
        case .object(let members): try container.encode(members.mapValues(EncodableJSON.init))
        }
    }
}
