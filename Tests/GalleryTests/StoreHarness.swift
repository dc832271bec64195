import Crypto
import Foundation
import GRDB
import PostgresNIO
import TestSupport
import Testing

@testable import Gallery

/// The store implementations that must behave alike.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }

    /// The kinds the contract tests run on: PostgreSQL only where a server is configured, or
    /// where CI demands it (and then fails without one). The skip is reported by
    /// `StoreContractTests.postgresServer`, which is skipped with the reason.
    static var tested: [StoreKind] { StoreHarness.runsPostgres ? allCases : [.sqlite] }
}

/// A fresh, empty place for one kind of store: a temporary directory (with the master key, and
/// for SQLite the database file), plus for PostgreSQL a database of its own on the server named
/// by `LIKENESS_TEST_POSTGRES_URL`, dropped at the end.
actor StoreHarness {
    static let urlVariable = "LIKENESS_TEST_POSTGRES_URL"
    static let missingServer = "\(urlVariable) is not set; make test starts a throwaway cluster"
    static var adminURL: String? {
        ProcessInfo.processInfo.environment[urlVariable].flatMap { $0.isEmpty ? nil : $0 }
    }
    /// Whether PostgreSQL tests run: with a server, or under CI, where a missing server fails.
    static var runsPostgres: Bool { adminURL != nil || Fixtures.inCI }
    /// The trait of tests that need a server: skipped, with the reason, when there is none.
    static var needsPostgres: ConditionTrait { .enabled(if: runsPostgres, Comment(rawValue: missingServer)) }

    let kind: StoreKind
    let directory: URL
    /// This test's own database, for PostgreSQL.
    let databaseURL: String?
    private let admin: PostgresLocation?
    private let databaseName: String?
    private var stores: [any GalleryStore] = []
    private var galleries: [Gallery] = []

    private init(kind: StoreKind, admin: PostgresLocation?, databaseName: String?) {
        self.kind = kind
        self.admin = admin
        self.databaseName = databaseName
        databaseURL = databaseName.flatMap { admin?.with(database: $0).url }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("likeness-store-\(UUID().uuidString)")
    }

    /// Runs `body` on a fresh harness of `kind` and removes everything afterwards, failed or not.
    static func with(_ kind: StoreKind, _ body: (StoreHarness) async throws -> Void) async throws {
        let harness = try await make(kind)
        do {
            try await body(harness)
        } catch {
            await harness.remove()
            throw error
        }
        await harness.remove()
    }

    static func make(_ kind: StoreKind) async throws -> StoreHarness {
        guard kind == .postgres else { return StoreHarness(kind: kind, admin: nil, databaseName: nil) }
        guard let adminURL else {
            // Only under CI (see `runsPostgres`): a PostgreSQL case without a server fails.
            throw GalleryError(.storeFailure, missingServer)
        }
        let admin = try PostgresLocation(url: adminURL)
        let name = "likeness_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        // An identifier cannot be a bound parameter; this one is made of hex digits only.
        try await withAdmin(admin) { try await $0.query("CREATE DATABASE \(unescaped: name)", logger: logger) }
        return StoreHarness(kind: kind, admin: admin, databaseName: name)
    }

    /// A new store on this harness's database (another "process" when called again).
    func openStore() async throws -> any GalleryStore {
        let store: any GalleryStore
        switch kind {
        case .sqlite:
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            store = try SQLiteStore(path: directory.appendingPathComponent("gallery.sqlite").path)
        case .postgres:
            store = try await PostgresStore(url: databaseURL!)
        }
        stores.append(store)
        return store
    }

    /// Records a schema migration this version does not know, as a newer version would.
    func recordMigration(_ version: String, on store: any GalleryStore) async throws {
        switch store {
        case let store as SQLiteStore:
            try await store.pool.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES (?)", arguments: [version])
            }
        case let store as PostgresStore:
            _ = try await store.rows("test", "INSERT INTO schema_migration (version) VALUES (\(version))")
        default:
            Issue.record("no way to record a migration on \(type(of: store))")
        }
    }

    /// Runs raw SQL statements on the store's database, as an intruder with write access would.
    func execute(_ statements: [String], on store: any GalleryStore) async throws {
        switch store {
        case let store as SQLiteStore:
            try await store.pool.write { db in
                for statement in statements { try db.execute(sql: statement) }
            }
        case let store as PostgresStore:
            for statement in statements { _ = try await store.rows("test", PostgresQuery(unsafeSQL: statement)) }
        default:
            Issue.record("no way to run SQL on \(type(of: store))")
        }
    }

    /// A new gallery on this harness's store, through `Gallery.open`.
    func openGallery(requireConsent: Bool = true, followInterval: Duration = .seconds(2)) async throws -> Gallery {
        var configuration = GalleryConfiguration()
        configuration.requireConsent = requireConsent
        configuration.followInterval = followInterval
        configuration.actor = "test"
        let gallery = try await Gallery.open(
            directory: directory, configuration: configuration, environment: [:], databaseURL: databaseURL)
        galleries.append(gallery)
        return gallery
    }

    /// Closes everything opened here, drops the database and deletes the directory.
    func remove() async {
        for gallery in galleries { await gallery.close() }
        for store in stores { await store.close() }
        galleries = []
        stores = []
        if let admin, let databaseName {
            do {
                try await StoreHarness.withAdmin(admin) {
                    try await $0.query(
                        "DROP DATABASE IF EXISTS \(unescaped: databaseName) WITH (FORCE)", logger: StoreHarness.logger)
                }
            } catch {
                Issue.record("could not drop \(databaseName): \(PostgresStore.describe(error))")
            }
        }
        try? FileManager.default.removeItem(at: directory)
    }

    static let logger = Logger(label: "likeness.tests")

    /// One connection to the server's admin database, for CREATE and DROP DATABASE (which
    /// cannot run on a pooled connection inside a transaction).
    static func withAdmin(_ admin: PostgresLocation, _ body: (PostgresConnection) async throws -> Void)
        async throws
    {
        let connection = try await PostgresConnection.connect(
            configuration: .init(
                host: admin.host, port: admin.port, username: admin.username, password: admin.password,
                database: admin.database, tls: .disable),
            id: 1, logger: logger)
        do {
            try await body(connection)
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }
}

/// Helpers shared by the contract tests.
enum Contract {
    static let signer = AuditSigner(key: SymmetricKey(size: .bits256))

    static func draft(_ action: String, tenant: String? = "acme", subject: String? = nil) -> AuditDraft {
        AuditDraft(tenant: tenant, actor: "test", action: action, subject: subject)
    }

    static func bytes(_ seed: UInt8, count: Int = 48) -> Data {
        Data((0..<count).map { UInt8(truncatingIfNeeded: Int(seed) &+ $0) })
    }

    /// Every event of the store, in order.
    static func events(_ store: any GalleryStore, tenant: String? = nil) async throws -> [AuditEvent] {
        try await store.auditEvents(tenant: tenant, afterSequence: 0, limit: 10_000)
    }

    /// Each helper below is one primitive (plus, where named, its event) in a transaction of its
    /// own, so the cases read as the store's behaviour rather than as transaction plumbing.

    static func append(_ store: any GalleryStore, _ draft: AuditDraft) async throws -> AuditEvent {
        try await store.transaction { try await $0.appendAudit(draft, signer: signer) }
    }

    static func tenant(_ store: any GalleryStore, _ name: String, key: Data) async throws -> Tenant {
        try await store.transaction { try await $0.insertTenantIfAbsent(named: name, wrappedKey: key, at: Date()) }
    }

    static func subject(
        _ store: any GalleryStore, tenantID: Int64, _ externalID: String, metadata: String? = nil
    ) async throws -> Subject {
        try await store.transaction {
            try await $0.upsertSubject(tenantID: tenantID, externalID: externalID, metadata: metadata, at: Date())
        }
    }

    static func addTemplates(
        _ store: any GalleryStore, _ templates: [NewTemplate], subjectID: Int64, audit: AuditDraft
    ) async throws -> [Template] {
        try await store.transaction { transaction in
            var stored: [Template] = []
            for template in templates {
                stored.append(try await transaction.insertTemplate(template, subjectID: subjectID, at: Date()))
            }
            _ = try await transaction.appendAudit(audit, signer: signer)
            return stored
        }
    }

    static func grant(_ store: any GalleryStore, _ consent: NewConsent, subjectID: Int64) async throws -> Consent {
        try await store.transaction { transaction in
            let stored = try await transaction.insertConsent(consent, subjectID: subjectID, at: Date())
            _ = try await transaction.appendAudit(draft("consent.grant"), signer: signer)
            return stored
        }
    }

    static func consent(_ purpose: String = "identity_verification", evidence: String? = nil) -> NewConsent {
        NewConsent(purpose: purpose, textVersion: "v1", textHash: "ab", evidence: evidence)
    }
}

/// A failure thrown on purpose inside a transaction, to see it roll back.
struct Abort: Error {}
