import Foundation
import Gallery
import Hummingbird
import Workflows

/// Listing subjects, changing metadata, and a subject's faces.
extension SubjectController {
    func list(_ request: Request, _ context: Context) async throws -> Response {
        let key = try context.requireKey()
        let query = request.uri.queryParameters
        let prefix = query["prefix"].map(String.init) ?? ""
        guard prefix.utf8.count <= 128 else {
            throw Problem(.badRequest, code: .validationFailed, detail: "prefix is at most 128 bytes")
        }
        let limit = try QueryValue.integer(query["limit"].map(String.init), name: "limit", in: 1...1_000) ?? 100
        let page = try await gallery.subjectPage(
            tenant: key.tenantName, prefix: prefix, after: query["after"].map(String.init), limit: limit)
        return try JSONBody.response(SubjectListDocument(page))
    }

    struct UpdateRequest: Decodable {
        var metadata: SubjectMetadata?
    }

    /// Replaces the metadata object (`null` clears it); JSON or JSON merge patch.
    func update(_ request: Request, _ context: Context) async throws -> Response {
        let key = try context.requireKey()
        let subject = try Self.subjectID(context)
        guard let type = RequestBody.mediaType(of: request),
            ["application/json", "application/merge-patch+json"].contains(type)
        else {
            throw Problem(
                .unsupportedMediaType, code: .unsupportedMediaType,
                detail: "send application/json or application/merge-patch+json")
        }
        let limits = dependencies.configuration
        let data = Data(
            buffer: try await RequestBody.collect(
                request, limit: limits.maxBodyBytes, timeout: .seconds(limits.requestTimeoutSeconds)))
        let object = try JSONBody.jsonObject(data)
        let unknown = Set(object.keys).subtracting(["metadata"])
        guard unknown.isEmpty else {
            throw Problem(
                .badRequest, code: .validationFailed,
                detail: "unknown field(s): \(unknown.sorted().joined(separator: ", "))")
        }
        guard object["metadata"] != nil else {
            throw Problem(.badRequest, code: .validationFailed, detail: "missing field metadata")
        }
        let body: UpdateRequest
        do {
            body = try JSONDecoder().decode(UpdateRequest.self, from: data)
        } catch let error as DecodingError {
            throw Problem(.badRequest, code: .validationFailed, detail: JSONBody.describe(error))
        }
        _ = try await gallery.updateMetadata(tenant: key.tenantName, subject: subject, metadata: body.metadata)
        return try JSONBody.response(
            SubjectDocument(try await gallery.details(tenant: key.tenantName, subject: subject)))
    }

    func faces(_ context: Context) async throws -> Response {
        let key = try context.requireKey()
        let subject = try Self.subjectID(context)
        let faces = try await gallery.faces(tenant: key.tenantName, subject: subject)
        return try JSONBody.response(SubjectFacesDocument(subject: subject, faces: faces))
    }

    /// Erases one face, with a subject erasure's guarantees; 404 for a face of another subject.
    func eraseFace(_ context: Context) async throws -> Response {
        let key = try context.requireKey()
        let subject = try Self.subjectID(context)
        let face = try Self.faceID(context)
        let receipt = try await gallery.eraseFace(tenant: key.tenantName, subject: subject, face: face)
        return try JSONBody.response(FaceErasureDocument(receipt))
    }
}

/// Query parameter values: parsed, range-checked, or a `validation_failed` naming the parameter.
enum QueryValue {
    static func integer<T: FixedWidthInteger>(_ text: String?, name: String, in range: ClosedRange<T>) throws -> T? {
        guard let text else { return nil }
        guard let value = T(text), range.contains(value) else {
            throw Problem(
                .badRequest, code: .validationFailed,
                detail: "\(name) must be an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    /// An ISO 8601 time (`2026-12-01T10:00:00Z`, with or without fractional seconds) or date.
    static func time(_ text: String?, name: String) throws -> Date? {
        guard let text else { return nil }
        for options: ISO8601DateFormatter.Options in [
            [.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds], [.withFullDate],
        ] {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = options
            if let date = formatter.date(from: text) { return date }
        }
        throw Problem(
            .badRequest, code: .validationFailed, detail: "\(name) must be an ISO 8601 time, e.g. 2026-12-01T10:00:00Z")
    }
}
