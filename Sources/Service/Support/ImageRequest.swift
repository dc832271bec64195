import FaceKit
import Foundation
import Hummingbird
import Workflows

/// The fields of an image-taking request: JSON with base64 images, or `multipart/form-data`
/// with images as file parts and other fields as text parts.
///
/// Both arrive as the same named fields, so each route reads them one way and checks them one way.
struct ImageRequest: Sendable {
    enum Value: Sendable {
        case text(String)
        case number(Double)
        case bool(Bool)
        case bytes([UInt8])
    }

    private(set) var fields: [String: [Value]] = [:]

    /// Reads the body; `imageFields` name the fields that carry images, `otherFields` the rest.
    ///
    /// Once the images are known, the request is charged one rate-limit token per image and
    /// reserves the bytes they decode to in the admission gate (`sequential`: the route decodes
    /// one at a time, so only the largest counts), before any pixel is decoded.
    static func read(
        _ request: Request, limits: ServiceConfiguration, imageFields: Set<String>, otherFields: Set<String>,
        sequential: Bool = false
    ) async throws -> ImageRequest {
        let mediaType = RequestBody.mediaType(of: request)
        guard mediaType == "application/json" || mediaType == "multipart/form-data" else {
            throw Problem(
                .unsupportedMediaType, code: .unsupportedMediaType,
                detail: "send application/json (base64 images) or multipart/form-data")
        }
        let buffer = try await RequestBody.collect(
            request, limit: limits.maxBodyBytes, timeout: .seconds(limits.requestTimeoutSeconds))
        let contentType = request.headers[.contentType] ?? ""
        // Parsing a large body is CPU work of its own (base64 above all): off the cooperative pool.
        var fields = try await BodyParsing.run(bytes: buffer.readableBytes) {
            mediaType == "application/json"
                ? try fromJSON(Data(buffer: buffer), imageFields: imageFields)
                : try fromMultipart(buffer, contentType: contentType, imageFields: imageFields)
        }
        let unknown = Set(fields.fields.keys).subtracting(imageFields).subtracting(otherFields)
        guard unknown.isEmpty else {
            throw Problem(
                .badRequest, code: .validationFailed,
                detail: "unknown field(s): \(unknown.sorted().joined(separator: ", "))")
        }
        let imageCount = imageFields.reduce(0) { $0 + (fields.fields[$1]?.count ?? 0) }
        guard imageCount <= limits.maxImagesPerRequest else {
            throw Problem(
                .contentTooLarge, code: .payloadTooLarge,
                detail: "at most \(limits.maxImagesPerRequest) images per request")
        }
        fields.fields = fields.fields.filter { !$0.value.isEmpty }
        let images = imageFields.sorted().flatMap { fields.images($0) }
        try await RateCharge.current?.charge(images: images.count)
        if let ticket = AdmissionTicket.current {
            let imageLimits = ImageLimits(maxBytes: limits.maxImageBytes, maxPixels: limits.maxImagePixels)
            try await ticket.reserve(
                footprints: images.map { Image.decodedFootprint(of: $0, limits: imageLimits) }, sequential: sequential)
        }
        return fields
    }

    // MARK: Typed access

    /// The bytes of every image in the named fields, in order.
    func images(_ names: String...) -> [[UInt8]] {
        names.flatMap { name in
            (fields[name] ?? []).compactMap { if case .bytes(let bytes) = $0 { bytes } else { nil } }
        }
    }

    /// The one image in a field.
    func image(_ name: String) throws -> [UInt8] {
        let images = images(name)
        guard images.count == 1 else {
            throw Problem(
                .badRequest, code: .validationFailed,
                detail: images.isEmpty ? "missing field \(name)" : "\(name) must be one image")
        }
        return images[0]
    }

    func string(_ name: String) throws -> String? {
        guard let value = try single(name) else { return nil }
        guard case .text(let text) = value else { throw wrongType(name, "a string") }
        return text
    }

    func double(_ name: String) throws -> Double? {
        switch try single(name) {
        case nil: return nil
        case .number(let number): return number
        case .text(let text):
            guard let number = Double(text.trimmingCharacters(in: .whitespaces)), number.isFinite else {
                throw wrongType(name, "a number")
            }
            return number
        default: throw wrongType(name, "a number")
        }
    }

    func int(_ name: String) throws -> Int? {
        guard let number = try double(name) else { return nil }
        guard number == number.rounded(), abs(number) < 1e9 else { throw wrongType(name, "an integer") }
        return Int(number)
    }

    func bool(_ name: String) throws -> Bool? {
        switch try single(name) {
        case nil: return nil
        case .bool(let flag): return flag
        case .text("true"): return true
        case .text("false"): return false
        default: throw wrongType(name, "true or false")
        }
    }

    private func single(_ name: String) throws -> Value? {
        guard let values = fields[name] else { return nil }
        guard values.count == 1 else {
            throw Problem(.badRequest, code: .validationFailed, detail: "\(name) is given more than once")
        }
        return values[0]
    }

    private func wrongType(_ name: String, _ expected: String) -> Problem {
        Problem(.badRequest, code: .validationFailed, detail: "\(name) must be \(expected)")
    }

    // MARK: Parsing

    /// The fields of a JSON body; images (base64 strings, or arrays of them) are decoded from the
    /// bytes directly (`JSONImageScanner`), never held as strings.
    static func fromJSON(_ data: Data, imageFields: Set<String>) throws -> ImageRequest {
        var request = ImageRequest()
        request.fields = try JSONImageScanner.fields(of: data, imageFields: imageFields)
        return request
    }

    /// Strict base64 (standard or URL alphabet, optional `data:` prefix, whitespace ignored).
    static func base64(_ text: String, field: String) throws -> [UInt8] {
        var payload = Substring(text)
        if payload.hasPrefix("data:"), let comma = payload.firstIndex(of: ",") {
            payload = payload[payload.index(after: comma)...]
        }
        var cleaned = String(payload.filter { !$0.isWhitespace })
        cleaned = cleaned.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        if cleaned.count % 4 != 0 { cleaned += String(repeating: "=", count: 4 - cleaned.count % 4) }
        guard let data = Data(base64Encoded: cleaned), !data.isEmpty else {
            throw Problem(.badRequest, code: .validationFailed, detail: "\(field) is not base64 image data")
        }
        return [UInt8](data)
    }

    static func fromMultipart(_ body: ByteBuffer, contentType: String, imageFields: Set<String>) throws
        -> ImageRequest
    {
        guard let boundary = boundary(in: contentType) else {
            throw Problem(
                .badRequest, code: .validationFailed,
                detail: "multipart/form-data needs a boundary of 1 to 70 characters")
        }
        let parts = try MultipartForm.parts(of: Data(buffer: body), boundary: boundary)
        var request = ImageRequest()
        for part in parts {
            guard let disposition = part.headers["content-disposition"],
                disposition.lowercased().hasPrefix("form-data"), let name = parameter("name", in: disposition),
                !name.isEmpty
            else {
                throw Problem(
                    .badRequest, code: .validationFailed,
                    detail: "each part needs Content-Disposition: form-data; name=…")
            }
            if imageFields.contains(name) {
                guard !part.body.isEmpty else {
                    throw Problem(.badRequest, code: .validationFailed, detail: "\(name) is an empty file")
                }
                request.fields[name, default: []].append(.bytes(part.body))
            } else {
                guard let text = String(validating: part.body, as: UTF8.self), text.utf8.count <= 65_536 else {
                    throw Problem(.badRequest, code: .validationFailed, detail: "\(name) must be UTF-8 text")
                }
                request.fields[name, default: []].append(.text(text))
            }
        }
        return request
    }

    static func boundary(in contentType: String) -> String? {
        guard var value = parameter("boundary", in: contentType) else { return nil }
        value = value.trimmingCharacters(in: .whitespaces)
        guard (1...70).contains(value.utf8.count), value.allSatisfy({ $0.isASCII && !$0.isNewline }) else { return nil }
        return value
    }

    /// A `name=value` or `name="value"` parameter of a header value.
    static func parameter(_ name: String, in header: String) -> String? {
        for piece in header.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == name else { continue }
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = String(value.dropFirst().dropLast())
            }
            return value
        }
        return nil
    }
}

/// Any JSON value, so request fields keep the type the client sent.
enum JSONValue: Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let items = try? container.decode([JSONValue].self) {
            self = .array(items)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }
}
