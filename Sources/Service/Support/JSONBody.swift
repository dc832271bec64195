import Foundation
import Hummingbird
import Workflows

/// Strict JSON bodies: the right content type, a size limit, no unknown fields, typed errors.
enum JSONBody {
    static func decode<T: Decodable>(
        _ type: T.Type, from request: Request, limits: ServiceConfiguration, allowedKeys: Set<String>
    ) async throws -> T {
        guard RequestBody.mediaType(of: request) == "application/json" else {
            throw Problem(.unsupportedMediaType, code: .unsupportedMediaType, detail: "send application/json")
        }
        let buffer = try await RequestBody.collect(
            request, limit: limits.maxBodyBytes, timeout: .seconds(limits.requestTimeoutSeconds))
        return try decode(type, from: Data(buffer: buffer), allowedKeys: allowedKeys)
    }

    /// Like `decode`, for a body that may be left out: nil when the request has no body bytes.
    static func decodeIfPresent<T: Decodable>(
        _ type: T.Type, from request: Request, limits: ServiceConfiguration, allowedKeys: Set<String>
    ) async throws -> T? {
        let buffer = try await RequestBody.collect(
            request, limit: limits.maxBodyBytes, timeout: .seconds(limits.requestTimeoutSeconds))
        guard buffer.readableBytes > 0 else { return nil }
        guard RequestBody.mediaType(of: request) == "application/json" else {
            throw Problem(.unsupportedMediaType, code: .unsupportedMediaType, detail: "send application/json")
        }
        return try decode(type, from: Data(buffer: buffer), allowedKeys: allowedKeys)
    }

    private static func decode<T: Decodable>(_ type: T.Type, from data: Data, allowedKeys: Set<String>) throws -> T {
        let object = try jsonObject(data)
        let unknown = Set(object.keys).subtracting(allowedKeys)
        guard unknown.isEmpty else {
            throw Problem(
                .badRequest, code: .validationFailed,
                detail: "unknown field(s): \(unknown.sorted().joined(separator: ", "))")
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw Problem(.badRequest, code: .validationFailed, detail: describe(error))
        }
    }

    /// The body as a JSON object, or `validation_failed`.
    static func jsonObject(_ data: Data) throws -> [String: Any] {
        guard !data.isEmpty else { throw Problem(.badRequest, code: .validationFailed, detail: "the body is empty") }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Problem(.badRequest, code: .validationFailed, detail: "the body is not a JSON object")
        }
        return object
    }

    /// A short account of what is wrong with the body, naming the field.
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map(\.stringValue).joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, _): return "missing field \(key.stringValue)"
        case .typeMismatch(let type, let context): return "\(path(context)) must be of type \(type)"
        case .valueNotFound(let type, let context): return "\(path(context)) must be a \(type), not null"
        case .dataCorrupted(let context): return "invalid value at \(path(context))"
        @unknown default: return "the JSON body has the wrong shape"
        }
    }

    /// An encodable value as a JSON response.
    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(
            status: status, headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: try DocumentEncoding.encode(value))))
    }
}
