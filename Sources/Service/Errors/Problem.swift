import FaceKit
import Foundation
import Gallery
import Hummingbird
import Workflows

/// An RFC 9457 problem: every error the API returns, as `application/problem+json` with a
/// stable `code`.
public struct Problem: HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    /// The stable machine-readable code, e.g. `no_face`, `payload_too_large`.
    public let code: ProblemCode
    public let detail: String
    /// Extra members of the problem object (e.g. `duplicates`, `reasons`), as JSON.
    let extensions: [String: ProblemValue]
    /// `Retry-After` seconds, for `overloaded` and `rate_limited`.
    let retryAfter: Int?

    public init(_ status: HTTPResponse.Status, code: ProblemCode, detail: String) {
        self.init(status, code: code, detail: detail, extensions: [:], retryAfter: nil)
    }

    init(
        _ status: HTTPResponse.Status, code: ProblemCode, detail: String, extensions: [String: ProblemValue],
        retryAfter: Int? = nil
    ) {
        self.status = status
        self.code = code
        self.detail = detail
        self.extensions = extensions
        self.retryAfter = retryAfter
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var object: [String: Any] = extensions.mapValues(\.json)
        object["type"] = "urn:likeness:problem:\(code)"
        object["title"] = status.reasonPhrase
        object["status"] = status.code
        object["detail"] = detail
        object["code"] = code.rawValue
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        var headers = HTTPFields()
        headers[.contentType] = "application/problem+json"
        headers[.cacheControl] = "no-store"
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer realm=\"likeness\"" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The problem for any error; nothing unexpected leaks its message, and nothing else is a 500.
    static func from(_ error: any Error) -> Problem {
        switch error {
        case let problem as Problem: return problem
        case let error as WorkflowError: return Problem(workflow: error)
        case let error as FaceKitError: return Problem(face: error)
        case let error as GalleryError: return Problem(gallery: error)
        case let error as HTTPError: return Problem(http: error)
        case is DecodingError:
            return Problem(.badRequest, code: .validationFailed, detail: "the JSON body has the wrong shape")
        default: return Problem(.internalServerError, code: .internalError, detail: "an unexpected error occurred")
        }
    }

    init(face error: FaceKitError) {
        let status: HTTPResponse.Status =
            switch error.code {
            case .imageTooLarge, .videoTooLong, .videoTooManyFrames, .videoFrameTooLarge: .contentTooLarge
            case .unsupportedFormat: .unsupportedMediaType
            case .imageUnreadable, .imageTooSmall, .noFace, .multipleFaces, .videoUnreadable, .videoBadTimestamps,
                .videoTooSlow:
                .unprocessableContent
            case .invalidArgument: .badRequest
            case .modelUnavailable, .inferenceBudgetExceeded: .serviceUnavailable
            default: .internalServerError
            }
        self.init(
            status, code: ProblemCode(error.code),
            detail: status == .internalServerError ? "inference failed" : error.message)
    }

    init(gallery error: GalleryError) {
        if error.code == .indexUnavailable {
            // One tenant's index could not be built; retried after an interval, logged.
            self.init(
                .serviceUnavailable, code: ProblemCode(error.code), detail: error.message, extensions: [:],
                retryAfter: 30)
            return
        }
        if error.code == .storeUnavailable {
            // The database is down or restarting: the client should retry, as for an overload.
            self.init(
                .serviceUnavailable, code: ProblemCode(error.code), detail: "the database is unavailable; retry shortly",
                extensions: [:], retryAfter: 1)
            return
        }
        let status: HTTPResponse.Status =
            switch error.code {
            case .notFound: .notFound
            case .consentRequired, .alreadyExists: .conflict
            case .invalidArgument: .badRequest
            default: .internalServerError
            }
        self.init(
            status, code: ProblemCode(error.code),
            detail: status == .internalServerError ? "the gallery failed" : error.message)
    }

    init(workflow error: WorkflowError) {
        switch error.code {
        case .lowQuality:
            var extensions = ["reasons": ProblemValue(error.reasons)]
            if !error.rejected.isEmpty { extensions["rejected"] = ProblemValue(error.rejected) }
            self.init(.unprocessableContent, code: error.code, detail: error.message, extensions: extensions)
        case .overrideNotAllowed: self.init(.forbidden, code: error.code, detail: error.message)
        case .possibleDuplicate:
            self.init(
                .conflict, code: error.code, detail: error.message,
                extensions: ["duplicates": ProblemValue(error.duplicates)])
        case .validationFailed, .uncalibratedFPIR: self.init(.badRequest, code: error.code, detail: error.message)
        case .notFound: self.init(.notFound, code: error.code, detail: error.message)
        default: self.init(.internalServerError, code: .internalError, detail: "an unexpected error occurred")
        }
    }

    init(http error: HTTPError) {
        let code: ProblemCode =
            switch error.status {
            case .contentTooLarge: .payloadTooLarge
            case .notFound: .notFound
            case .methodNotAllowed: .methodNotAllowed
            case .unsupportedMediaType: .unsupportedMediaType
            case .requestTimeout: .requestTimeout
            default: error.status.code < 500 ? .validationFailed : .internalError
            }
        self.init(error.status, code: code, detail: error.body ?? error.status.reasonPhrase)
    }
}

/// A JSON value inside a problem's extension members, encoded when the problem is made.
struct ProblemValue: Sendable {
    let data: Data

    init<T: Encodable>(_ value: T) {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        data = (try? encoder.encode(value)) ?? Data("null".utf8)
    }

    var json: Any { (try? JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed)) ?? NSNull() }
}
