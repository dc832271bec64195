import FaceKit
import Foundation
import HTTPTypes
import Hummingbird
import Workflows

/// `POST /v1/redact`: a photo back with faces hidden. Video redaction is CLI only (docs/footage.md).
struct RedactController {
    typealias Context = ServiceRequestContext
    let dependencies: ServiceDependencies

    func addRoutes(imageGroup group: RouterGroup<Context>) {
        group.post("redact") { request, context in try await redact(request, context) }
    }

    /// The answer when `answer` is `json`: the document and the image, base64.
    struct JSONAnswer: Encodable {
        var redaction: RedactionDocument
        var image: String
        var contentType: String

        enum CodingKeys: String, CodingKey {
            case redaction, image
            case contentType = "content_type"
        }
    }

    func redact(_ request: Request, _ context: Context) async throws -> Response {
        let fields = try await ImageRequest.read(
            request, limits: dependencies.configuration, imageFields: ["image"],
            otherFields: ["style", "margin", "keep", "only", "purpose", "fmr", "format", "answer"])
        let tenant = try context.requireKey().tenantName
        var options = RedactionOptions()
        if let style = try fields.string("style") {
            guard let chosen = RedactionStyle(rawValue: style) else {
                throw Problem(.badRequest, code: .validationFailed, detail: "style must be blur, pixelate or box")
            }
            options.style = chosen
        }
        options.margin = try fields.double("margin") ?? options.margin
        let keep = try Self.subjects(fields.string("keep"))
        let only = try Self.subjects(fields.string("only"))
        let purpose = try fields.string("purpose")
        guard keep.isEmpty || only.isEmpty else {
            throw Problem(.badRequest, code: .validationFailed, detail: "send keep or only, not both")
        }
        if !keep.isEmpty && (purpose ?? "").isEmpty {
            throw Problem(
                .badRequest, code: .validationFailed,
                detail: "keep needs purpose: a kept subject must have an active consent for it")
        }
        if keep.isEmpty && purpose != nil {
            throw Problem(.badRequest, code: .validationFailed, detail: "purpose applies to keep only")
        }
        let answer = try fields.string("answer") ?? "image"
        guard answer == "image" || answer == "json" else {
            throw Problem(.badRequest, code: .validationFailed, detail: "answer must be image or json")
        }
        let requestedFormat = try fields.string("format")
        let fmr = try fields.double("fmr")
        try options.validate()
        let bytes = try fields.image("image")
        var recognizer: (any SubjectRecognizer)?
        var withoutConsent: [String] = []
        if !keep.isEmpty || !only.isEmpty {
            options.target = keep.isEmpty ? .only(only) : .allBut(keep)
            let point = try dependencies.operatingPoint(fmr: fmr, default: keep.isEmpty ? 1e-2 : 1e-4)
            options.threshold = point.threshold
            options.fmr = point.fmr
            let made = try await GalleryRecognizer.make(
                gallery: dependencies.gallery, tenant: tenant, pack: dependencies.analyzer.pack.id,
                subjects: keep.isEmpty ? only : keep, consentPurpose: keep.isEmpty ? nil : purpose)
            recognizer = made.recognizer
            withoutConsent = made.withoutConsent
        } else if fmr != nil {
            throw Problem(.badRequest, code: .validationFailed, detail: "fmr applies to keep and only")
        }
        let format = try Self.format(requestedFormat, input: Image.format(of: bytes))
        let image = try await dependencies.decode(bytes, field: "image")
        try Self.checkEncodable(image, as: format)
        let footage = FootageWorkflows(analyzer: dependencies.analyzer)
        let (redacted, document) = try await footage.redact(
            image, options: options, recognizer: recognizer, withoutConsent: withoutConsent, purpose: purpose)
        let encoded = try await Self.encode(redacted, as: format)
        let contentType = "image/\(format.rawValue)"
        if answer == "json" {
            return try JSONBody.response(
                JSONAnswer(redaction: document, image: Data(encoded).base64EncodedString(), contentType: contentType))
        }
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[HTTPField.Name("Likeness-Faces-Hidden")!] = String(document.hidden)
        headers[HTTPField.Name("Likeness-Faces-Kept")!] = String(document.kept)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: encoded)))
    }

    /// `a,b,c` as subject ids; nil or empty as none.
    static func subjects(_ text: String?) throws -> [String] {
        let subjects = (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        guard subjects.count <= 100 else {
            throw Problem(.badRequest, code: .validationFailed, detail: "at most 100 subjects in keep or only")
        }
        return subjects
    }

    /// WebP holds at most 16383 pixels a side and JPEG 65535: refused before any inference is spent.
    static func checkEncodable(_ image: Image, as format: ImageFormat) throws {
        let limit: Int? =
            switch format {
            case .webp: 16_383
            case .jpeg: 65_535
            default: nil
            }
        if let limit, max(image.width, image.height) > limit {
            throw Problem(
                .badRequest, code: .validationFailed,
                detail:
                    "a \(image.width)x\(image.height) image cannot be written as \(format.rawValue) (at most \(limit) pixels a side); ask for format png"
            )
        }
    }

    /// The requested format, else the input's when it is JPEG, PNG or WebP, else PNG.
    static func format(_ requested: String?, input: ImageFormat?) throws -> ImageFormat {
        switch requested {
        case nil:
            if let input, [.jpeg, .png, .webp].contains(input) { return input }
            return .png
        case "jpeg", "jpg": return .jpeg
        case "png": return .png
        case "webp": return .webp
        default: throw Problem(.badRequest, code: .validationFailed, detail: "format must be jpeg, png or webp")
        }
    }

    /// Encoding a large photo takes tens of milliseconds: off the cooperative pool.
    static func encode(_ image: Image, as format: ImageFormat) async throws -> [UInt8] {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result { try image.encoded(as: format, quality: 92) })
            }
        }
    }
}
