import Foundation
import Hummingbird

/// Reading JSON request bodies strictly: a size limit, the right content type, no unknown fields.
enum JSONBody {
    static func decode<T: Decodable>(
        _ type: T.Type, from request: Request, limit: Int, allowedKeys: Set<String>
    ) async throws -> T {
        guard let contentType = request.headers[.contentType]?.lowercased(),
            contentType.hasPrefix("application/json")
        else {
            throw Problem(.unsupportedMediaType, code: "unsupported_media_type", detail: "send application/json")
        }
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch {
            throw Problem(.contentTooLarge, code: "payload_too_large", detail: "the body is larger than \(limit) bytes")
        }
        let data = Data(buffer: buffer)
        guard !data.isEmpty else { throw Problem(.badRequest, code: "validation_failed", detail: "the body is empty") }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Problem(.badRequest, code: "validation_failed", detail: "the body is not a JSON object")
        }
        let unknown = Set(object.keys).subtracting(allowedKeys)
        guard unknown.isEmpty else {
            throw Problem(
                .badRequest, code: "validation_failed",
                detail: "unknown field(s): \(unknown.sorted().joined(separator: ", "))")
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw Problem(.badRequest, code: "validation_failed", detail: describe(error))
        }
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

    /// Base64 image bytes from a field.
    static func image(_ text: String, field: String) throws -> [UInt8] {
        guard let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters), !data.isEmpty else {
            throw Problem(.badRequest, code: "validation_failed", detail: "\(field) is not base64 image data")
        }
        return [UInt8](data)
    }

    /// An encodable value as a JSON response.
    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(
            status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}
