import Crypto
import FaceKit
import Foundation
import Gallery
import HTTPTypes
import Hummingbird
import Tokens
import Workflows

/// `/v1/liveness/sessions…`: challenge-response liveness on a recorded video, with the eKYC
/// comparison of the live face against an ID document or an enrolled subject in the same call.
///
/// The integrator's backend creates a session with its API key and hands the browser the
/// session id and capture token; the capture page (or any client) uses the token, which opens
/// this one session only, to read the challenge and upload the recording.
struct LivenessController {
    typealias Context = ServiceRequestContext
    let dependencies: ServiceDependencies
    let sessions: LivenessSessions

    var workflow: LivenessWorkflow { LivenessWorkflow(faces: dependencies.faces, gallery: dependencies.gallery) }

    func addRoutes(
        to group: RouterGroup<Context>, sessionGroup: RouterGroup<Context>, uploadGroup: RouterGroup<Context>
    ) {
        group.post("liveness/sessions") { request, context in try await create(request, context) }
        sessionGroup.get("liveness/sessions/{id}") { request, context in try await show(request, context) }
        uploadGroup.post("liveness/sessions/{id}/video") { request, context in try await upload(request, context) }
    }

    struct CreateRequest: Decodable {
        /// How many actions: 2 or 3 (default: chosen at random).
        var actions: Int?
        /// Compare the live face with this enrolled subject.
        var subject: String?
        /// The actions the challenge may draw from (default: all but `look_up`).
        var allowedActions: [LivenessAction]?

        enum CodingKeys: String, CodingKey {
            case actions, subject
            case allowedActions = "allowed_actions"
        }
    }

    struct SessionBody: Encodable {
        var id: String
        var challenge: [String]
        var instructions: [String]
        var expiresAt: Date
        var state: String
        var captureToken: String?
        var captureURL: String?
        var subject: String?
        /// The decision, for the tenant's key once the recording is judged.
        var result: LivenessDocument?
        /// The problem code when the recording could not be judged.
        var error: ProblemCode?

        enum CodingKeys: String, CodingKey {
            case id, challenge, instructions, state, subject, result, error
            case expiresAt = "expires_at"
            case captureToken = "capture_token"
            case captureURL = "capture_url"
        }

        init(_ session: LivenessSession, state: String, token: String? = nil) {
            id = session.id
            challenge = session.challenge.actions.map(\.rawValue)
            instructions = session.challenge.actions.map(\.instruction)
            expiresAt = session.expiresAt
            self.state = state
            captureToken = token
            captureURL = token.map { "/capture?session=\(session.id)&token=\($0)" }
            subject = session.subject
        }
    }

    func create(_ request: Request, _ context: Context) async throws -> Response {
        let key = try context.requireKey()
        let body =
            try await JSONBody.decodeIfPresent(
                CreateRequest.self, from: request, limits: dependencies.configuration,
                allowedKeys: ["actions", "subject", "allowed_actions"]) ?? CreateRequest()
        if let count = body.actions, !(2...3).contains(count) {
            throw Problem(.badRequest, code: .validationFailed, detail: "actions must be 2 or 3")
        }
        let allowed = body.allowedActions.map(Set.init) ?? LivenessChallenge.defaultActions
        try LivenessChallenge.checkPool(allowed, count: body.actions)
        if let subject = body.subject {
            // The subject must exist in this tenant now, so a typo fails here and not after a recording.
            let details = try await dependencies.gallery.details(tenant: key.tenantName, subject: subject)
            guard details.subject.erasedAt == nil else {
                throw Problem(.notFound, code: .notFound, detail: "no subject \(subject)")
            }
        }
        let (session, token) = try await sessions.create(
            tenant: key.tenantName, challenge: try sessions.challenges(body.actions, allowed), subject: body.subject)
        return try JSONBody.response(SessionBody(session, state: "pending", token: token), status: .created)
    }

    /// Who opened the session: the browser with its capture token, or the tenant's backend.
    enum Caller {
        case captureToken, tenantKey
    }

    /// The session, for its tenant's key or its capture token; authenticated before anything
    /// about the session's state is told.
    func authorizedSession(_ request: Request, _ context: Context) async throws -> (LivenessSession, Caller) {
        let id = try context.parameters.require("id")
        guard let session = try await sessions.session(id) else {
            throw Problem(.notFound, code: .notFound, detail: "no liveness session \(id)")
        }
        let caller: Caller
        if let token = request.headers[HTTPField.Name("X-Capture-Token")!] {
            guard LivenessSessions.hash(token) == session.captureTokenHash else {
                throw Problem(
                    .unauthorized, code: .unauthorized, detail: "the capture token does not open this session")
            }
            caller = .captureToken
        } else {
            guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer "),
                let key = try await dependencies.gallery.authenticate(secret: String(header.dropFirst(7)))
            else {
                throw Problem(
                    .unauthorized, code: .unauthorized,
                    detail: "send X-Capture-Token or Authorization: Bearer <API key>")
            }
            // Another tenant's session does not exist for this key.
            guard key.tenantName == session.tenant else {
                throw Problem(.notFound, code: .notFound, detail: "no liveness session \(id)")
            }
            caller = .tenantKey
        }
        if session.isExpired(at: sessions.now()) {
            throw Problem(.gone, code: .sessionExpired, detail: "liveness session \(id) has expired")
        }
        return (session, caller)
    }

    /// The session and its state. Once the recording is judged, the tenant's key also reads the
    /// decision (`result`, or `error` with the problem code): the backend's source of truth,
    /// since the browser that uploaded could alter what it forwards.
    func show(_ request: Request, _ context: Context) async throws -> Response {
        let (session, caller) = try await authorizedSession(request, context)
        var body = SessionBody(session, state: session.state.name)
        if caller == .tenantKey {
            switch session.state {
            case .completed(let answer): body.result = answer
            case .failed(let code): body.error = code
            case .pending, .analysing: break
            }
        }
        return try JSONBody.response(body)
    }

    /// `video` (WebM or MP4), optionally `document` (an ID page to compare the live face with).
    func upload(_ request: Request, _ context: Context) async throws -> Response {
        let (session, _) = try await authorizedSession(request, context)
        guard session.isPending else {
            throw Problem(.conflict, code: .sessionUsed, detail: "liveness session \(session.id) was already used")
        }
        let configuration = dependencies.configuration
        let fields = try await ImageRequest.read(
            request, limits: configuration, imageFields: ["video", "document"], otherFields: [])
        let video = try fields.image("video")
        guard video.count <= configuration.maxVideoBytes else {
            throw Problem(
                .contentTooLarge, code: .payloadTooLarge,
                detail: "the recording is over \(configuration.maxVideoBytes) bytes")
        }
        let documentBytes = fields.images("document").first
        // Single use from the first upload on, whatever its outcome: a failed attempt cannot be retried
        // against the same challenge.
        guard try await sessions.consume(session.id) else {
            throw Problem(.conflict, code: .sessionUsed, detail: "liveness session \(session.id) was already used")
        }
        let answer: LivenessDocument
        do {
            answer = try await judge(session, video: video, document: documentBytes)
        } catch {
            // The analysis's error is the one to report; were the store failing too, the session
            // stays analysing until it is swept.
            try? await sessions.finish(session.id, .failed(Problem.from(error).code))
            throw error
        }
        // The backend reads the decision from the store, so an answer that could not be kept
        // is an error, not a success only the browser heard of.
        try await sessions.finish(session.id, .completed(answer))
        return try JSONBody.response(answer)
    }

    /// The liveness decision on the recording, and the comparison of its best frame with the
    /// document or the session's subject.
    private func judge(_ session: LivenessSession, video: [UInt8], document: [UInt8]?) async throws
        -> LivenessDocument
    {
        let configuration = dependencies.configuration
        let file = try PrivateTemporaryFile(bytes: video)
        defer { file.remove() }
        var limits = LivenessLimits()
        limits.maxSeconds = configuration.maxVideoSeconds
        let comparison: LivenessComparison =
            if let document {
                .document(bytes: document, sha256: Hex.string(SHA256.hash(data: document)))
            } else if let subject = session.subject {
                .subject(tenant: session.tenant, id: subject)
            } else {
                .none
            }
        return try await workflow.analyze(
            videoAt: file.path, challenge: session.challenge, limits: limits, comparison: comparison,
            verificationFMR: configuration.defaultFMR, documentLimits: dependencies.imageLimits, session: session.id)
    }
}
