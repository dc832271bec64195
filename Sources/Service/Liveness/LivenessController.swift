import Crypto
import FaceKit
import Foundation
import Gallery
import HTTPTypes
import Hummingbird
import Logging
import Tokens
import Workflows

/// `/v1/liveness/sessions…`: challenge-response liveness on a recorded video, with the eKYC
/// comparison of the live face against an ID document or an enrolled subject in the same call.
///
/// The integrator's backend creates a session with its API key and hands the browser the
/// session id and capture token; the capture page (or any client) uses the token, which opens
/// this one session only, to read the challenge and upload the recording. The token holder is
/// an untrusted end user: it hears pass or fail with hints (`LivenessCaptureDocument`), never the
/// measurements; the key holder reads everything.
struct LivenessController {
    typealias Context = ServiceRequestContext
    let dependencies: ServiceDependencies
    let sessions: LivenessSessions
    /// The API's rate limiter: a key's session reads count against the key, as every `/v1` route
    /// does; capture-token requests against their tenant's `capture:` bucket.
    let limiter: RateLimiter
    /// Each session's own budget for its capture-token holder.
    let captureBudget: CaptureRequestBudget
    let recordings: RecordingsDirectory

    init(
        dependencies: ServiceDependencies, sessions: LivenessSessions, limiter: RateLimiter,
        captureBudget: CaptureRequestBudget = CaptureRequestBudget()
    ) {
        self.dependencies = dependencies
        self.sessions = sessions
        self.limiter = limiter
        self.captureBudget = captureBudget
        // Swept here, at start-up: a server killed mid-analysis left its recording behind.
        recordings = RecordingsDirectory(root: dependencies.configuration.recordingsDir)
        if let problem = recordings.problem {
            Logger(label: "likeness.liveness").error(
                "liveness recordings cannot be staged; every upload will fail", metadata: ["problem": "\(problem)"])
        }
    }

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
        return try JSONBody.response(LivenessSessionBody(session, state: "pending", token: token), status: .created)
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
            // The session's own budget first, so one browser's loop spends its own and not its
            // tenant's; then the tenant's share of capture traffic.
            try await limit(
                captureBudget, session.id,
                "this session's capture token is over its limit of \(captureBudget.rate) requests per second")
            try await limit(
                limiter, "capture:" + session.tenant,
                "this tenant's capture pages are over their limit of \(limiter.rate) requests per second")
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
            try await limit(limiter, key.id, "key \(key.id) is over its limit of \(limiter.rate) requests per second")
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
        guard caller == .tenantKey else { return try JSONBody.response(LivenessSessionBody.forCaptureToken(session)) }
        var body = LivenessSessionBody(session, state: session.state.name)
        switch session.state {
        case .completed(let answer): body.result = answer
        case .failed(let code): body.error = code
        case .pending, .analysing: break
        }
        return try JSONBody.response(body)
    }

    /// `video` (WebM or MP4), optionally `document` (an ID page to compare the live face with).
    /// The tenant's key gets the whole decision; the capture token its pass or fail with hints.
    func upload(_ request: Request, _ context: Context) async throws -> Response {
        let (session, caller) = try await authorizedSession(request, context)
        // Single use from the first upload on, whatever its outcome: taken before the body is
        // read, so an empty, malformed or refused upload spends the session too, and a failed
        // attempt cannot be retried against the same challenge.
        guard session.isPending, try await sessions.consume(session.id) else {
            throw Problem(.conflict, code: .sessionUsed, detail: "liveness session \(session.id) was already used")
        }
        let answer: LivenessDocument
        do {
            answer = try await analyse(request, session)
        } catch {
            // The analysis's error is the one to report; were the store failing too, the session
            // stays analysing until it is swept.
            try? await sessions.finish(session.id, .failed(Problem.from(error).code))
            throw error
        }
        // The backend reads the decision from the store, so an answer that could not be kept
        // is an error, not a success only the browser heard of.
        try await sessions.finish(session.id, .completed(answer))
        switch caller {
        case .tenantKey: return try JSONBody.response(answer)
        case .captureToken: return try JSONBody.response(LivenessCaptureDocument(answer))
        }
    }

    /// Reads and checks the upload, then judges it.
    /// - Throws: the body's problems (`unsupported_media_type`, `validation_failed`,
    ///   `payload_too_large`), `unsupported_format` for a recording that is not WebM or MP4 by
    ///   its first bytes, then the analysis's.
    private func analyse(_ request: Request, _ session: LivenessSession) async throws -> LivenessDocument {
        let configuration = dependencies.configuration
        let fields = try await ImageRequest.read(
            request, limits: configuration, imageFields: ["video", "document"], otherFields: [])
        let video = try fields.image("video")
        guard video.count <= configuration.maxVideoBytes else {
            throw Problem(
                .contentTooLarge, code: .payloadTooLarge,
                detail: "the recording is over \(configuration.maxVideoBytes) bytes")
        }
        // By its magic bytes, before anything is written or handed to FFmpeg.
        try VideoContainer.require(video)
        return try await judge(session, video: video, document: fields.images("document").first)
    }

    /// Refuses with 429 `rate_limited` once `key`'s bucket is empty.
    private func limit(_ limiter: RateLimiter, _ key: String, _ detail: String) async throws {
        guard let wait = await limiter.take(key) else { return }
        throw rateLimited(wait, detail)
    }

    private func limit(_ budget: CaptureRequestBudget, _ session: String, _ detail: String) async throws {
        guard let wait = await budget.take(session) else { return }
        throw rateLimited(wait, detail)
    }

    private func rateLimited(_ wait: Int, _ detail: String) -> Problem {
        dependencies.metrics.rejected(reason: "rate_limited")
        return Problem(.tooManyRequests, code: .rateLimited, detail: detail, extensions: [:], retryAfter: wait)
    }

    /// The liveness decision on the recording, and the comparison of its best frame with the
    /// document or the session's subject.
    private func judge(_ session: LivenessSession, video: [UInt8], document: [UInt8]?) async throws
        -> LivenessDocument
    {
        let configuration = dependencies.configuration
        // Removed on every way out: an answer, an error, a cancelled request.
        let recording = try recordings.write(video)
        defer { recording.remove() }
        var limits = LivenessLimits()
        limits.maxSeconds = configuration.maxVideoSeconds
        limits.maxFrames = configuration.maxVideoFrames > 0 ? configuration.maxVideoFrames : nil
        limits.maxFramePixels = configuration.maxVideoFramePixels
        limits.maxAnalysisSeconds = configuration.maxVideoAnalysisSeconds
        let comparison: LivenessComparison =
            if let document {
                .document(bytes: document, sha256: Hex.string(SHA256.hash(data: document)))
            } else if let subject = session.subject {
                .subject(tenant: session.tenant, id: subject)
            } else {
                .none
            }
        return try await workflow.analyze(
            videoAt: recording.path, challenge: session.challenge, limits: limits, comparison: comparison,
            verificationFMR: configuration.defaultFMR, documentLimits: dependencies.imageLimits, session: session.id)
    }
}
