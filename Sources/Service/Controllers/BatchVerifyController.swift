import FaceKit
import Foundation
import Hummingbird
import Workflows

/// `POST /v1/verify/batch`: up to `BatchVerifyDocument.maxPairs` 1:1 comparisons in one request,
/// each answered on its own.
struct BatchVerifyController {
    typealias Context = ServiceRequestContext
    let dependencies: ServiceDependencies

    /// One pair of the body, checked.
    struct Pair {
        var first: [UInt8]
        var second: [UInt8]
        var document: Bool
        var fmr: Double
    }

    func addRoutes(imageGroup: RouterGroup<Context>) {
        imageGroup.post("verify/batch") { request, _ in try await verifyBatch(request) }
    }

    /// JSON `{"pairs": [{"first", "second", "document"?, "fmr"?}]}`. The whole body is checked
    /// first (shape, base64, `fmr`), so a malformed request fails as one 400 before any inference;
    /// then the pairs run one after another (the request holds one place in the inference gate),
    /// each answering its `VerifyDocument` or the problem the single route would give.
    func verifyBatch(_ request: Request) async throws -> Response {
        guard RequestBody.mediaType(of: request) == "application/json" else {
            throw Problem(.unsupportedMediaType, code: .unsupportedMediaType, detail: "send application/json")
        }
        let limits = dependencies.configuration
        let buffer = try await RequestBody.collect(
            request, limit: limits.maxBodyBytes, timeout: .seconds(limits.requestTimeoutSeconds))
        let pairs = try await BodyParsing.run(bytes: buffer.readableBytes) { try parse(Data(buffer: buffer)) }
        try await RateCharge.current?.charge(images: pairs.count * 2)
        // The pairs run one after another, so the largest pair's decoded pixels are reserved.
        let imageLimits = dependencies.imageLimits
        let footprints = pairs.map { pair in
            [pair.first, pair.second].map { Image.decodedFootprint(of: $0, limits: imageLimits) }
        }
        try await AdmissionTicket.current?.reserve(
            footprints.map { $0.reduce(0, +) }.max() ?? 0, largestImage: footprints.joined().max() ?? 0)
        var results: [BatchVerifyDocument.Item] = []
        for (index, pair) in pairs.enumerated() {
            do {
                async let first = dependencies.decode(pair.first, field: "pairs[\(index)].first")
                async let second = dependencies.decode(pair.second, field: "pairs[\(index)].second")
                let answer = try await dependencies.faces.verify(
                    try await first, try await second,
                    options: VerificationOptions(fmr: pair.fmr, firstIsDocument: pair.document))
                results.append(.init(index: index, result: answer))
            } catch {
                results.append(.init(index: index, error: Self.failure(error)))
            }
        }
        return try JSONBody.response(BatchVerifyDocument(results: results))
    }

    func parse(_ data: Data) throws -> [Pair] {
        _ = try JSONBody.jsonObject(data)
        guard let object = try? JSONDecoder().decode([String: JSONValue].self, from: data) else {
            throw Problem(.badRequest, code: .validationFailed, detail: "the body is not a JSON object")
        }
        let unknown = Set(object.keys).subtracting(["pairs"])
        guard unknown.isEmpty else {
            throw Problem(
                .badRequest, code: .validationFailed,
                detail: "unknown field(s): \(unknown.sorted().joined(separator: ", "))")
        }
        guard case .array(let items) = object["pairs"] ?? .null else {
            throw Problem(.badRequest, code: .validationFailed, detail: "pairs must be an array of pairs")
        }
        let maximum = BatchVerifyDocument.maxPairs
        guard (1...maximum).contains(items.count) else {
            throw Problem(
                .badRequest, code: .validationFailed,
                detail: "pairs must hold 1 to \(maximum) pairs, not \(items.count)")
        }
        guard items.count * 2 <= dependencies.configuration.maxImagesPerRequest else {
            throw Problem(
                .contentTooLarge, code: .payloadTooLarge,
                detail: "at most \(dependencies.configuration.maxImagesPerRequest) images per request")
        }
        return try items.enumerated().map { index, item in try pair(item, at: index) }
    }

    private func pair(_ item: JSONValue, at index: Int) throws -> Pair {
        let name = "pairs[\(index)]"
        func invalid(_ detail: String) -> Problem { Problem(.badRequest, code: .validationFailed, detail: detail) }
        guard case .object(let fields) = item else { throw invalid("\(name) must be an object") }
        let unknown = Set(fields.keys).subtracting(["first", "second", "document", "fmr"])
        guard unknown.isEmpty else {
            throw invalid("\(name): unknown field(s): \(unknown.sorted().joined(separator: ", "))")
        }
        func image(_ key: String) throws -> [UInt8] {
            guard case .string(let text) = fields[key] ?? .null else {
                throw invalid("\(name).\(key) must be base64 image data")
            }
            return try ImageRequest.base64(text, field: "\(name).\(key)")
        }
        var document = false
        switch fields["document"] ?? .null {
        case .null: break
        case .bool(let flag): document = flag
        default: throw invalid("\(name).document must be true or false")
        }
        var fmr = dependencies.configuration.defaultFMR
        switch fields["fmr"] ?? .null {
        case .null: break
        case .number(let number): fmr = number
        default: throw invalid("\(name).fmr must be a number")
        }
        do {
            try dependencies.validate(fmr: fmr)
        } catch {
            let problem = Problem.from(error)
            throw Problem(problem.status, code: problem.code, detail: "\(name).fmr: \(problem.detail)")
        }
        return Pair(first: try image("first"), second: try image("second"), document: document, fmr: fmr)
    }

    /// The problem a pair's error maps to, as a member of the batch answer.
    static func failure(_ error: any Error) -> BatchVerifyDocument.Failure {
        let problem = Problem.from(error)
        let reasons = (error as? WorkflowError).flatMap { $0.reasons.isEmpty ? nil : $0.reasons }
        return BatchVerifyDocument.Failure(
            type: "urn:likeness:problem:\(problem.code)", title: problem.status.reasonPhrase,
            status: problem.status.code, detail: problem.detail, code: problem.code, reasons: reasons)
    }
}
