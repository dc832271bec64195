import Crypto
import Foundation
import Logging

/// Everything Likeness stores about people, with its keys and 1:N indexes.
///
/// One `Gallery` owns a store, the master key, each tenant's derived keys, and an in-memory
/// index per tenant and model pack, built from the store on first use and updated on every
/// add and erase. Vectors handed in are unit embeddings; they are transformed with the
/// tenant's secret rotation before they are stored or searched, and sealed before storage.
public actor Gallery {
    public nonisolated let store: any GalleryStore
    public nonisolated let configuration: GalleryConfiguration
    var masterKey: MasterKey
    var wrapper: KeyWrapper
    let signer: AuditSigner
    /// The signed head of the audit chain outside the database; nil without a place for it.
    nonisolated let headFile: AuditHeadFile?
    /// The MAC key of API key hashes (`Gallery+APIKeys`).
    let apiKeyMACKey: Data
    var tenantKeys: [String: TenantKeys] = [:]
    var indexes: [IndexKey: TemplateIndex] = [:]
    /// Index builds in flight, one per tenant and pack; a build whose generation no longer
    /// matches was overtaken (by a key rotation) and is not installed.
    var indexBuilds: [IndexKey: IndexBuild] = [:]
    var nextIndexGeneration = 0
    /// Index builds that failed, so searches of that tenant fail clearly (`index_unavailable`)
    /// until a retry succeeds, rather than finding nobody.
    var indexFailures: [IndexKey: IndexFailure] = [:]
    /// Every change of the store's log up to this sequence is reflected in `tenantKeys`,
    /// `indexes` and the master key's wrapper.
    var appliedSequence: Int64
    /// The one catch-up with the change log in flight, which later callers wait for.
    var catchUp: Task<Void, any Error>?
    /// Follows the store's change log between requests (notifications and a periodic read).
    var follower: Task<Void, Never>?
    var lastFollowFailure: ContinuousClock.Instant?
    /// Purges erased subjects' bytes from the store's files, in the background.
    nonisolated let purger: ErasurePurger
    var enrollingTenants: Set<Int64> = []
    var enrollmentWaiters: [Int64: [CheckedContinuation<Void, Never>]] = [:]

    struct IndexKey: Hashable {
        var tenantID: Int64
        var pack: String
    }

    struct IndexBuild {
        var generation: Int
        var task: Task<TemplateIndex, any Error>
    }

    struct IndexFailure {
        var reason: String
        var at: ContinuousClock.Instant
    }

    /// The name of the wrapped audit key in the store.
    static let auditKeyName = "audit"

    /// Opens a gallery on `store`, creating its audit key on first use, and brings the data to
    /// the current key format (`upgradeKeyFormat`) in the same transaction.
    ///
    /// The audit head file goes to `configuration.auditHeadFile`, else beside the master key
    /// file; with neither (a key from the environment on a bare store) the head is not anchored.
    ///
    /// - Throws: `invalid_key` when `masterKey` is not the key the store's keys are wrapped with.
    public init(store: any GalleryStore, masterKey: MasterKey, configuration: GalleryConfiguration = .init())
        async throws
    {
        self.store = store
        self.configuration = configuration
        purger = ErasurePurger(store: store, logger: configuration.logger)
        self.masterKey = masterKey
        let wrapper = try KeyWrapper(masterKey: masterKey.symmetricKey)
        self.wrapper = wrapper
        let fresh = try wrapper.wrap(SymmetricKey(size: .bits256), .system(Gallery.auditKeyName))
        let fingerprint = masterKey.fingerprint
        let logger = configuration.logger
        let (auditKey, upgradeHead) = try await store.transaction { transaction in
            let format = try await KeyFormat.stored(in: transaction)
            let existing = try await transaction.secret(named: Gallery.auditKeyName)
            let wrapped = try await transaction.insertSecretIfAbsent(named: Gallery.auditKeyName, wrapped: fresh)
            let stored = try await transaction.secret(named: MasterKey.fingerprintSecretName)
            let auditKey: SymmetricKey
            do {
                // A database in format 1 wrapped its audit key under the old context; a fresh
                // one has just been given a key wrapped under the current one.
                let context: WrapContext =
                    existing == nil || format >= 2 ? .system(Gallery.auditKeyName) : .legacy(Gallery.auditKeyName)
                auditKey = try wrapper.unwrap(wrapped, context)
            } catch {
                throw MasterKey.mismatch(masterKey, stored: stored)
            }
            // Recorded once the key is known to open the database, so a wrong key is named as
            // such from then on.
            if stored == nil {
                _ = try await transaction.insertSecretIfAbsent(
                    named: MasterKey.fingerprintSecretName, wrapped: fingerprint)
            }
            var head: AuditLink?
            if format < KeyFormat.current {
                head = try await Gallery.upgradeKeyFormat(
                    in: transaction, wrapper: wrapper, auditKey: auditKey, fresh: existing == nil, logger: logger)
            }
            return (auditKey.withUnsafeBytes { Data($0) }, head)
        }
        signer = AuditSigner(key: SymmetricKey(data: auditKey))
        apiKeyMACKey = Gallery.apiKeyMACKey(auditKey: SymmetricKey(data: auditKey))
        headFile = (configuration.auditHeadFile ?? AuditHeadFile.location(keyFile: masterKey.file, directory: nil))
            .map { AuditHeadFile(url: $0, auditKey: SymmetricKey(data: auditKey)) }
        // The caches are empty, so they reflect every change up to now.
        appliedSequence = try await store.changeHead()
        if let upgradeHead { await anchorAuditHead(upgradeHead) }
    }

    /// Opens the gallery in `directory` (`gallery.sqlite`, `master.key`), creating both on first
    /// use; with `databaseURL` (`postgres://user:password@host:port/database`) the records live
    /// in that PostgreSQL database instead, and only the master key is read from `directory`
    /// (or from `LIKENESS_MASTER_KEY`).
    ///
    /// `keyFile` moves the master key elsewhere (another disk, a mounted secret).
    /// Call `close()` when done with the gallery: it releases the store's connections (for
    /// PostgreSQL, a pool). Failures to open or reach the store are logged to
    /// `configuration.logger`.
    public static func open(
        directory: URL, configuration: GalleryConfiguration = .init(),
        environment: [String: String] = ProcessInfo.processInfo.environment, databaseURL: String? = nil,
        keyFile: URL? = nil
    ) async throws -> Gallery {
        do {
            try FileManager.default.createDirectory(
                at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            configuration.logger.error(
                "cannot create the data directory", metadata: ["path": "\(directory.path)", "reason": "\(error)"])
            throw GalleryError(.storeFailure, "cannot create the data directory \(directory.path): \(error)")
        }
        let keyFile = keyFile ?? directory.appendingPathComponent("master.key")
        var configuration = configuration
        if configuration.auditHeadFile == nil {
            // Beside the key file; in the data directory when the key comes from the environment.
            configuration.auditHeadFile = AuditHeadFile.location(
                keyFile: environment[MasterKey.environmentVariable] == nil ? keyFile : nil, directory: directory)
        }
        let store: any GalleryStore
        if let databaseURL {
            store = try await PostgresStore(url: databaseURL, logger: configuration.logger)
        } else {
            let databasePath = directory.appendingPathComponent("gallery.sqlite").path
            // Created empty with mode 0600 first: SQLite gives its -wal and -shm files the same mode.
            let descriptor = Foundation.open(databasePath, O_WRONLY | O_CREAT, 0o600)
            if descriptor >= 0 { Foundation.close(descriptor) }
            store = try SQLiteStore(path: databasePath, logger: configuration.logger)
        }
        do {
            let masterKey = try await MasterKeyLock.withLock(beside: keyFile, environment: environment, exclusive: true)
            {
                try await finishPendingRotation(keyFile: keyFile, store: store, environment: environment)
                return try MasterKey.load(file: keyFile, environment: environment)
            }
            let gallery = try await Gallery(store: store, masterKey: masterKey, configuration: configuration)
            await gallery.startFollowing()
            return gallery
        } catch {
            await store.close()
            throw error
        }
    }

    /// Releases the store's connections; the gallery cannot be used afterwards.
    ///
    /// A purge still pending gets a few seconds to finish first (a CLI command that erased
    /// something exits with its bytes purged whenever the store allows it).
    public func close() async {
        follower?.cancel()
        follower = nil
        _ = await purger.waitUntilIdle(timeout: .seconds(5))
        await purger.shutdown()
        await store.close()
    }

    static func unwrapAuditKey(_ wrapped: Data, masterKey: MasterKey) throws -> SymmetricKey {
        let wrapper = try KeyWrapper(masterKey: masterKey.symmetricKey)
        do {
            // Either key format: this runs before the gallery upgrades the data.
            return try (try? wrapper.unwrap(wrapped, .system(auditKeyName)))
                ?? wrapper.unwrap(wrapped, .legacy(auditKeyName))
        } catch {
            let source = masterKey.file?.path ?? MasterKey.environmentVariable
            throw GalleryError.invalidKey("the master key in \(source) does not open this database")
        }
    }

    /// The keys of a tenant, creating the tenant and its data key on first use.
    ///
    /// The transform's matrix takes a moment to derive, so it is derived off the actor.
    func keys(for tenantName: String, create: Bool) async throws -> TenantKeys {
        if let keys = tenantKeys[tenantName] { return keys }
        try Gallery.validate(name: tenantName, what: "tenant")
        var tenant = try await store.tenant(named: tenantName)
        if tenant == nil {
            guard create else { throw GalleryError(.notFound, "no tenant \(tenantName)") }
            tenant = try await withCurrentMasterKey { wrapper, fingerprint in
                let (_, wrapped) = try wrapper.newDataKey(.tenant(tenantName))
                return try await self.store.transaction { transaction in
                    try await transaction.requireMasterFingerprint(fingerprint)
                    return try await transaction.insertTenantIfAbsent(
                        named: tenantName, wrappedKey: wrapped, at: Date())
                }
            }
        }
        guard let tenant else { throw GalleryError(.notFound, "no tenant \(tenantName)") }
        if let keys = tenantKeys[tenantName], keys.tenant.keyVersion >= tenant.keyVersion { return keys }
        let dataKey = try await unwrapDataKey(of: tenant).withUnsafeBytes { Data($0) }
        let keys = try await Gallery.deriveKeys(tenant: tenant, dataKey: dataKey, dimension: configuration.dimension)
        // A rotation applied while the keys were derived makes them stale: do not cache them.
        if let cached = tenantKeys[tenantName], cached.tenant.keyVersion >= keys.tenant.keyVersion { return cached }
        tenantKeys[tenantName] = keys
        return keys
    }

    /// A tenant's data key; when the master key was replaced by another process, the new one is
    /// loaded first.
    ///
    /// The rotating process renames its key file just after its commit, so a key wrapped under
    /// the new master key may be read a moment before the file holds it: wait a little for it.
    func unwrapDataKey(of tenant: Tenant) async throws -> SymmetricKey {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try wrapper.unwrap(tenant.wrappedKey, .tenant(tenant.name))
            } catch {
                guard attempt < 40, masterKey.file != nil else { throw error }
                reloadMasterKey()
                if (try? wrapper.unwrap(tenant.wrappedKey, .tenant(tenant.name))) == nil {
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
        }
    }

    @concurrent
    static func deriveKeys(tenant: Tenant, dataKey: Data, dimension: Int) async throws -> TenantKeys {
        try TenantKeys(tenant: tenant, dataKey: SymmetricKey(data: dataKey), dimension: dimension)
    }

    static func validate(name: String, what: String) throws {
        guard !name.isEmpty, name.utf8.count <= 128,
            name.unicodeScalars.allSatisfy({ !CharacterSet.controlCharacters.contains($0) })
        else {
            throw GalleryError(
                .invalidArgument, "a \(what) id must be 1 to 128 bytes of printable text")
        }
    }

    func checkDimension(_ vector: [Float]) throws {
        guard vector.count == configuration.dimension else {
            throw GalleryError(
                .invalidArgument,
                "a template must have \(configuration.dimension) dimensions, not \(vector.count)")
        }
        guard vector.allSatisfy(\.isFinite) else {
            throw GalleryError(.invalidArgument, "a template must be finite")
        }
    }
}

/// How a gallery behaves.
public struct GalleryConfiguration: Sendable {
    /// Enrolment needs an active consent for the purpose (default on).
    public var requireConsent = true
    /// Templates per tenant and pack above which the scan index replaces exact search (at least 1,000).
    public var approximateAbove = 20_000
    /// Candidates the scan index re-scores per search and thread (`likeness bench search`
    /// measures the trade-off: at 1M templates, 256 with 2 threads gave recall@1 0.997 in 1.6 ms).
    public var candidates = 256
    /// Threads one scan-index search may use.
    public var searchThreads = min(2, ProcessInfo.processInfo.activeProcessorCount)
    /// Embedding dimension of the model packs in use.
    public var dimension = 512
    /// Who is acting, for the audit trail.
    public var actor = "cli"
    /// How often a gallery reads its store's change log between requests (besides the check
    /// before each search, sign-in and duplicate check, and PostgreSQL's notifications).
    public var followInterval: Duration = .seconds(2)
    /// Where store problems (an unreachable server, a database that will not open) are logged.
    /// Nothing biometric, no key, secret or consent text is ever logged.
    public var logger = Logger(label: "likeness.gallery")
    /// Where the signed head of the audit chain is written (`AuditHeadFile`); nil: beside the
    /// master key file (`Gallery.open` uses the data directory for a key from the environment).
    public var auditHeadFile: URL?
    /// How long after a failed index build searches of its tenant answer `index_unavailable`
    /// before the build is tried again.
    public var indexRetryInterval: Duration = .seconds(30)

    public init() {}
}
