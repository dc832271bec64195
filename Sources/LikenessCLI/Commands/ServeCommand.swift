import ArgumentParser
import Foundation
import Gallery
import Logging
import Service
import Workflows

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP API.",
        discussion: """
            Settings come from a JSON config file (--config or $LIKENESS_CONFIG; keys as in \
            docs/api.md), then LIKENESS_* environment variables (each key upper-cased, e.g. \
            LIKENESS_PORT, LIKENESS_MAX_IN_FLIGHT), then these flags, each overriding the one before. Clients \
            authenticate with API keys from `likeness keys create --tenant T`. Errors are RFC 9457 \
            application/problem+json with a stable code. SIGTERM drains first: /readyz answers 503 \
            at once while every request is still served for --drain-seconds (default 5), so a load \
            balancer takes the node out; then it stops gracefully (a second SIGTERM skips the rest of \
            the wait). SIGINT stops it gracefully at once. Either way requests in flight finish \
            first. It logs to stderr (--log-level, --log-format or \
            LIKENESS_LOG_LEVEL, LIKENESS_LOG_FORMAT): one line per request, unexpected errors with \
            their cause, start-up and shutdown. /healthz and /readyz need no key; /metrics on the \
            API port needs an API key and shows server-wide series only; --admin-port runs a second \
            listener (loopback by default) with /metrics including per-tenant series, /readyz and \
            /healthz, no key. A port that is taken stops it at start with address_in_use.

            Enrolment policy: each tenant's quality profile for POST /v1/subjects/{id}/faces and \
            the overrides its requests may ask for (profile, quality: "report") come from the \
            config file's "enrollment" section, per tenant (docs/api.md, "Enrolment policy"); \
            --enrollment-profile and --enrollment-allow set them for every tenant the file does \
            not name.

            Examples:
              likeness serve --data data
              likeness serve --config /etc/likeness/settings.json --port 9000
              likeness serve --database postgres://likeness@db:5432/likeness --enrollment-profile selfie
              likeness serve --data data --enrollment-allow profile,quality
            """)

    @Option(help: "A JSON file of settings (keys as in docs/api.md, \"Running the service\").")
    var config: String?

    @Option(help: "Address to listen on (default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (default 8080).")
    var port: Int?

    @Option(
        help: ArgumentHelp(
            "Port of the admin listener: /metrics with per-tenant series, /readyz, /healthz, no key (default 0: none; config admin_port, $LIKENESS_ADMIN_PORT).",
            valueName: "port"))
    var adminPort: Int?

    @Option(
        help: ArgumentHelp(
            "Address of the admin listener (default 127.0.0.1; config admin_host, $LIKENESS_ADMIN_HOST).",
            valueName: "host"))
    var adminHost: String?

    @Option(help: "Largest request body in bytes (default 20000000).")
    var maxBodyBytes: Int?

    @Option(help: "Largest single image in bytes (default 15000000).")
    var maxImageBytes: Int?

    @Option(help: "Seconds a client may take to send a request (default 30).")
    var requestTimeout: Double?

    @Option(help: "Image requests admitted at once, running or queued (default: 16 per inference worker).")
    var maxInFlight: Int?

    @Option(help: "Body bytes admitted image requests may hold at once (default 256000000).")
    var maxInFlightBytes: Int?

    @Option(help: "Image requests that may wait to be admitted (default: 4 × --max-in-flight).")
    var maxWaiting: Int?

    @Option(help: "Seconds a request may wait to be admitted before 503 overloaded (default 5).")
    var queueTimeout: Double?

    @Option(help: "Sustained requests per second per API key (default 50).")
    var rateLimit: Double?

    @Option(help: "Burst of requests per API key above the sustained rate (default 100).")
    var rateLimitBurst: Double?

    @Option(help: "False-match rate of 1:1 decisions when a request names none (default 1e-4).")
    var defaultFMR: Double?

    @Option(help: "False-match rate of search and duplicate checks when a request names none (default 1e-5).")
    var defaultSearchFMR: Double?

    @Option(
        help: ArgumentHelp(
            "Seconds to keep serving after SIGTERM with /readyz answering 503, before stopping (default 5; 0 stops at once; $LIKENESS_DRAIN_SECONDS, config drain_seconds).",
            valueName: "seconds"))
    var drainSeconds: Double?

    /// The grace period when neither the file, the environment nor the flag names one.
    static let defaultDrainSeconds = 5.0

    @Option(
        help: ArgumentHelp(
            "Quality profile of enrolments for tenants the config file gives none (default: the file's enrollment.profile, else enrollment).",
            valueName: "profile"))
    var enrollmentProfile: String?

    @Option(
        help: ArgumentHelp(
            "Enrolment overrides requests of those tenants may ask for, comma-separated: profile, quality (default: the file's enrollment.allow, else none).",
            valueName: "overrides"))
    var enrollmentAllow: String?

    @OptionGroup var store: StoreOptions
    @OptionGroup var pipeline: PipelineOptions

    /// Where the gallery and the models are, and the SIGTERM grace period, as a config file may
    /// say (flags and environment win).
    struct Locations: Decodable {
        var data: String?
        var database: String?
        var masterKeyFile: String?
        var models: String?
        var drainSeconds: Double?

        enum CodingKeys: String, CodingKey {
            case data, database, models
            case masterKeyFile = "master_key_file"
            case drainSeconds = "drain_seconds"
        }
    }

    static let locationKeys: Set<String> = ["data", "database", "master_key_file", "models", "drain_seconds"]

    /// The SIGTERM grace period: the flag, else `LIKENESS_DRAIN_SECONDS`, else the file, else 5 s.
    func drainPeriod(_ locations: Locations, environment: [String: String]) throws -> Double {
        var seconds = locations.drainSeconds ?? Self.defaultDrainSeconds
        if let text = environment["LIKENESS_DRAIN_SECONDS"] {
            guard let parsed = Double(text) else {
                throw CLIError(code: "invalid_config", message: "LIKENESS_DRAIN_SECONDS=\(text) is not valid")
            }
            seconds = parsed
        }
        if let drainSeconds { seconds = drainSeconds }
        guard seconds.isFinite, (0...3_600).contains(seconds) else {
            throw CLIError(code: "invalid_config", message: "drain_seconds must be in 0...3600")
        }
        return seconds
    }

    /// The config file's settings and locations; unknown keys are refused, so a typo is not ignored.
    func file(environment: [String: String]) throws -> (ServiceConfiguration, Locations) {
        guard let path = config ?? environment["LIKENESS_CONFIG"] else { return (ServiceConfiguration(), Locations()) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError(code: "file_not_found", message: "cannot read the config file \(path)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CLIError(code: "invalid_config", message: "\(path) is not a JSON object")
        }
        let known = Set(ServiceConfiguration.CodingKeys.allCases.map(\.rawValue)).union(Self.locationKeys)
        let unknown = Set(object.keys).subtracting(known)
        guard unknown.isEmpty else {
            throw CLIError(
                code: "invalid_config", message: "\(path): unknown key(s) \(unknown.sorted().joined(separator: ", "))")
        }
        do {
            return (
                try JSONDecoder().decode(ServiceConfiguration.self, from: data),
                try JSONDecoder().decode(Locations.self, from: data)
            )
        } catch {
            throw CLIError(code: "invalid_config", message: "\(path): \(error)")
        }
    }

    /// The settings from file, environment and flags, in that order of precedence (lowest first).
    func settings(_ fromFile: ServiceConfiguration, environment: [String: String]) throws -> ServiceConfiguration {
        var settings = fromFile
        func env<T: LosslessStringConvertible>(_ name: String, _ value: inout T) throws {
            guard let text = environment[name] else { return }
            guard let parsed = T(text) else {
                throw CLIError(code: "invalid_config", message: "\(name)=\(text) is not valid")
            }
            value = parsed
        }
        try env("LIKENESS_HOST", &settings.host)
        try env("LIKENESS_PORT", &settings.port)
        try env("LIKENESS_ADMIN_PORT", &settings.adminPort)
        try env("LIKENESS_ADMIN_HOST", &settings.adminHost)
        try env("LIKENESS_MAX_BODY_BYTES", &settings.maxBodyBytes)
        try env("LIKENESS_MAX_IMAGE_BYTES", &settings.maxImageBytes)
        try env("LIKENESS_MAX_IMAGE_PIXELS", &settings.maxImagePixels)
        try env("LIKENESS_MAX_IMAGES_PER_REQUEST", &settings.maxImagesPerRequest)
        try env("LIKENESS_MAX_VIDEO_BYTES", &settings.maxVideoBytes)
        try env("LIKENESS_MAX_VIDEO_SECONDS", &settings.maxVideoSeconds)
        try env("LIKENESS_MAX_VIDEO_FRAMES", &settings.maxVideoFrames)
        try env("LIKENESS_MAX_VIDEO_FRAME_PIXELS", &settings.maxVideoFramePixels)
        try env("LIKENESS_MAX_VIDEO_ANALYSIS_SECONDS", &settings.maxVideoAnalysisSeconds)
        if let directory = environment["LIKENESS_RECORDINGS_DIR"] { settings.recordingsDir = directory }
        try env("LIKENESS_LIVENESS_SESSION_SECONDS", &settings.livenessSessionSeconds)
        try env("LIKENESS_REQUEST_TIMEOUT_SECONDS", &settings.requestTimeoutSeconds)
        try env("LIKENESS_MAX_IN_FLIGHT", &settings.maxInFlight)
        try env("LIKENESS_MAX_IN_FLIGHT_BYTES", &settings.maxInFlightBytes)
        try env("LIKENESS_MAX_IN_FLIGHT_DECODED_BYTES", &settings.maxInFlightDecodedBytes)
        try env("LIKENESS_MAX_TENANT_SHARE", &settings.maxTenantShare)
        try env("LIKENESS_MAX_WAITING", &settings.maxWaiting)
        try env("LIKENESS_QUEUE_TIMEOUT_SECONDS", &settings.queueTimeoutSeconds)
        try env("LIKENESS_RATE_LIMIT_PER_SECOND", &settings.rateLimitPerSecond)
        try env("LIKENESS_RATE_LIMIT_BURST", &settings.rateLimitBurst)
        try env("LIKENESS_DEFAULT_FMR", &settings.defaultFMR)
        try env("LIKENESS_DEFAULT_SEARCH_FMR", &settings.defaultSearchFMR)
        if let host { settings.host = host }
        if let port { settings.port = port }
        if let adminPort { settings.adminPort = adminPort }
        if let adminHost { settings.adminHost = adminHost }
        if let maxBodyBytes { settings.maxBodyBytes = maxBodyBytes }
        if let maxImageBytes { settings.maxImageBytes = maxImageBytes }
        if let requestTimeout { settings.requestTimeoutSeconds = requestTimeout }
        if let maxInFlight { settings.maxInFlight = maxInFlight }
        if let maxInFlightBytes { settings.maxInFlightBytes = maxInFlightBytes }
        if let maxWaiting { settings.maxWaiting = maxWaiting }
        if let queueTimeout { settings.queueTimeoutSeconds = queueTimeout }
        if let rateLimit { settings.rateLimitPerSecond = rateLimit }
        if let rateLimitBurst { settings.rateLimitBurst = rateLimitBurst }
        if let defaultFMR { settings.defaultFMR = defaultFMR }
        if let defaultSearchFMR { settings.defaultSearchFMR = defaultSearchFMR }
        if let enrollmentProfile { settings.enrollment.profile = enrollmentProfile }
        if let enrollmentAllow {
            var allowed: Set<EnrollmentPolicy.Override> = []
            for name in enrollmentAllow.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) })
            where !name.isEmpty && name != "none" {
                guard let override = EnrollmentPolicy.Override(rawValue: name) else {
                    throw CLIError(
                        code: "invalid_config", message: "--enrollment-allow takes profile and/or quality, not \(name)")
                }
                allowed.insert(override)
            }
            settings.enrollment.allow = allowed
        }
        let problems = settings.problems()
        guard problems.isEmpty else {
            throw CLIError(code: "invalid_config", message: problems.joined(separator: "; "))
        }
        // Refused at start rather than as a 500 on the first liveness upload.
        if let problem = settings.recordingsDirectoryProblem() {
            throw CLIError(code: "invalid_config", message: "recordings_dir: \(problem)")
        }
        return settings
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        // Before anything logs: serve always logs, whatever --verbose says.
        try store.logging.bootstrap(always: true, environment: environment)
        let logger = Logger(label: "likeness.serve")
        // The file is read once; its settings and locations both come from that read.
        let (fromFile, locations) = try file(environment: environment)
        let settings = try settings(fromFile, environment: environment)
        let drainSeconds = try drainPeriod(locations, environment: environment)
        // The file's locations apply where neither a flag nor the environment names one.
        var options = self.store
        if options.data == nil && environment["LIKENESS_DATA"] == nil { options.data = locations.data }
        if options.database == nil && environment["LIKENESS_DATABASE_URL"] == nil {
            options.database = locations.database
        }
        if options.masterKey == nil && environment["LIKENESS_MASTER_KEY_FILE"] == nil {
            options.masterKey = locations.masterKeyFile
        }
        do {
            try options.validate()
        } catch let error as ValidationError {
            throw CLIError(code: "invalid_config", message: error.message)
        }
        var pipeline = self.pipeline
        if pipeline.models == nil && environment["LIKENESS_MODELS"] == nil { pipeline.models = locations.models }
        let analyzer = try pipeline.makeAnalyzer()
        if let fallback = analyzer.runtimeFallback {
            logger.warning("inference on OpenCV: OpenVINO is not available (\(fallback))")
        }
        // Calibrated operating points only: fail at start, not on the first request.
        _ = try analyzer.pack.decisionThreshold(fmr: settings.defaultFMR)
        _ = try analyzer.pack.decisionThreshold(fmr: settings.defaultSearchFMR)
        let store = options.storeDescription
        // The gallery logs its store's connection problems itself (GalleryConfiguration.logger).
        let gallery = try await options.open()
        try await analyzer.warmUp()
        try await gallery.loadIndexes(pack: analyzer.pack.id)
        let drain = ServiceDrain()
        let workers = analyzer.workerCount
        let pack = analyzer.pack.id
        let runtime = analyzer.runtime.rawValue
        // Announced once each socket is bound, so a taken port fails before any "listening".
        let listeners = ServiceListeners(
            configuration: settings, analyzer: analyzer, gallery: gallery, logger: Logger(label: "likeness.http"),
            drain: drain, analyzerWarmedUp: true
        ) { role, address in
            switch role {
            case .api:
                logger.info(
                    "listening on \(address)",
                    metadata: [
                        "address": .string(address),
                        "model_pack": .string(pack),
                        "store": .string(store),
                        "workers": .stringConvertible(workers),
                        "runtime": .string(runtime),
                        "drain_seconds": .stringConvertible(drainSeconds),
                    ])
            case .admin:
                logger.info(
                    "admin listener on \(address): /metrics with tenant labels, /readyz, /healthz, no key",
                    metadata: ["address": .string(address)])
            }
        }
        do {
            try await listeners.run(drain: drain, drainSeconds: drainSeconds, logger: logger)
        } catch let error as ListenerError {
            await gallery.close()
            throw CLIError(code: .addressInUse, message: error.description)
        }
        await gallery.close()
        logger.info("stopped; requests in flight finished")
    }
}
