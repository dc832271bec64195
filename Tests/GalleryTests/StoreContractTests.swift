import Foundation
import PostgresNIO
import Testing

@testable import Gallery

/// One suite for every store: SQLite and PostgreSQL must keep the same promises.
///
/// The PostgreSQL cases need a server: `LIKENESS_TEST_POSTGRES_URL` (an admin URL to database
/// `postgres`), which `make test` sets from a throwaway cluster. Each case gets a database of its
/// own. Without the variable those cases are left out and `postgresServer` is skipped with the
/// reason; under CI they run and fail.
@Suite("Store contract")
struct StoreContractTests {
    @Test("the PostgreSQL server for these tests answers", StoreHarness.needsPostgres)
    func postgresServer() async throws {
        let url = try #require(StoreHarness.adminURL, Comment(rawValue: StoreHarness.missingServer))
        var version = 0
        try await StoreHarness.withAdmin(try PostgresLocation(url: url)) { connection in
            let rows = try await connection.query("SHOW server_version_num", logger: StoreHarness.logger).collect()
            version = Int(try rows.first?.decode(String.self) ?? "") ?? 0
        }
        #expect(version >= 130_000, "DROP DATABASE … WITH (FORCE) needs PostgreSQL 13 or later")
    }

    @Test("tenants: insert is idempotent, lookup by name, listing in id order", arguments: StoreKind.tested)
    func tenants(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let store = try await harness.openStore()
            #expect(try await store.tenant(named: "acme") == nil)
            let acme = try await store.insertTenant(named: "acme", wrappedKey: Contract.bytes(1))
            let again = try await store.insertTenant(named: "acme", wrappedKey: Contract.bytes(2))
            #expect(again == acme)
            #expect(acme.wrappedKey == Contract.bytes(1) && acme.keyVersion == 1)
            let globex = try await store.insertTenant(named: "globex", wrappedKey: Contract.bytes(3))
            #expect(globex.id > acme.id)
            #expect(try await store.tenant(named: "globex") == globex)
            #expect(try await store.tenants().map(\.name) == ["acme", "globex"])
        }
    }

    @Test(
        "secrets: insert-if-absent keeps the first; re-wrapping replaces keys with an event",
        arguments: StoreKind.tested)
    func secrets(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let store = try await harness.openStore()
            #expect(try await store.secret(named: "audit") == nil)
            #expect(
                try await store.insertSecretIfAbsent(named: "audit", wrapped: Contract.bytes(1)) == Contract.bytes(1))
            #expect(
                try await store.insertSecretIfAbsent(named: "audit", wrapped: Contract.bytes(2)) == Contract.bytes(1))
            #expect(try await store.secret(named: "audit") == Contract.bytes(1))
            let tenant = try await store.insertTenant(named: "acme", wrappedKey: Contract.bytes(3))
            try await store.rewrapKeys(
                tenants: [tenant.id: Contract.bytes(4)], secrets: ["audit": Contract.bytes(5)],
                audit: Contract.draft("keys.rotate_master", tenant: nil), signer: Contract.signer)
            #expect(try await store.secret(named: "audit") == Contract.bytes(5))
            #expect(try await store.tenant(named: "acme")?.wrappedKey == Contract.bytes(4))
            #expect(try await Contract.events(store).map(\.action) == ["keys.rotate_master"])
        }
    }

    @Test("subjects: ensure creates, keeps metadata, pages, counts and revives", arguments: StoreKind.tested)
    func subjects(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let store = try await harness.openStore()
            let tenant = try await store.insertTenant(named: "acme", wrappedKey: Contract.bytes(1))
            let other = try await store.insertTenant(named: "globex", wrappedKey: Contract.bytes(2))
            let alice = try await store.ensureSubject(tenantID: tenant.id, externalID: "alice", metadata: #"{"a":1}"#)
            #expect(alice.externalID == "alice" && alice.metadata == #"{"a":1}"# && alice.erasedAt == nil)
            let same = try await store.ensureSubject(tenantID: tenant.id, externalID: "alice", metadata: nil)
            #expect(same.id == alice.id && same.metadata == #"{"a":1}"#)
            let replaced = try await store.ensureSubject(tenantID: tenant.id, externalID: "alice", metadata: "{}")
            #expect(replaced.metadata == "{}")
            for name in ["bob", "carol", "dave"] {
                _ = try await store.ensureSubject(tenantID: tenant.id, externalID: name, metadata: nil)
            }
            _ = try await store.ensureSubject(tenantID: other.id, externalID: "alice", metadata: nil)
            #expect(try await store.subject(tenantID: tenant.id, externalID: "alice")?.id == alice.id)
            #expect(try await store.subject(tenantID: tenant.id, externalID: "nobody") == nil)
            let first = try await store.subjects(tenantID: tenant.id, afterID: 0, limit: 2)
            let rest = try await store.subjects(tenantID: tenant.id, afterID: first.last!.id, limit: 10)
            #expect((first + rest).map(\.externalID) == ["alice", "bob", "carol", "dave"])
            #expect(try await store.subjectCount(tenantID: tenant.id) == 4)
            #expect(try await store.subjectCount(tenantID: other.id) == 1)

            _ = try await store.eraseSubject(alice.id, audit: Contract.draft("erase"), signer: Contract.signer)
            #expect(try await store.subjectCount(tenantID: tenant.id) == 3)
            let erased = try #require(try await store.subject(tenantID: tenant.id, externalID: "alice"))
            #expect(erased.erasedAt != nil && erased.metadata == nil)
            let revived = try await store.ensureSubject(tenantID: tenant.id, externalID: "alice", metadata: nil)
            #expect(revived.id == alice.id && revived.erasedAt == nil)
            #expect(try await store.subjectCount(tenantID: tenant.id) == 4)
        }
    }

    @Test(
        "templates: add with an event, list by subject and by tenant and pack, count, re-key",
        arguments: StoreKind.tested)
    func templates(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let store = try await harness.openStore()
            let tenant = try await store.insertTenant(named: "acme", wrappedKey: Contract.bytes(1))
            let other = try await store.insertTenant(named: "globex", wrappedKey: Contract.bytes(2))
            let alice = try await store.ensureSubject(tenantID: tenant.id, externalID: "alice", metadata: nil)
            let bob = try await store.ensureSubject(tenantID: tenant.id, externalID: "bob", metadata: nil)
            let eve = try await store.ensureSubject(tenantID: other.id, externalID: "eve", metadata: nil)
            let added = try await store.addTemplates(
                [
                    NewTemplate(pack: "p1", sealed: Contract.bytes(10), quality: 0.75),
                    NewTemplate(pack: "p2", sealed: Contract.bytes(11), quality: nil),
                ], subjectID: alice.id, audit: Contract.draft("enroll", subject: "alice"), signer: Contract.signer)
            #expect(added.count == 2 && added[0].id < added[1].id)
            #expect(added.map(\.subjectID) == [alice.id, alice.id])
            _ = try await store.addTemplates(
                [NewTemplate(pack: "p1", sealed: Contract.bytes(12), quality: 0.5)], subjectID: bob.id,
                audit: Contract.draft("enroll", subject: "bob"), signer: Contract.signer)
            _ = try await store.addTemplates(
                [NewTemplate(pack: "p1", sealed: Contract.bytes(13), quality: 0.5)], subjectID: eve.id,
                audit: Contract.draft("enroll", tenant: "globex", subject: "eve"), signer: Contract.signer)

            let stored = try await store.templates(subjectID: alice.id)
            #expect(stored.map(\.id) == added.map(\.id))
            #expect(stored.map(\.sealed) == [Contract.bytes(10), Contract.bytes(11)])
            #expect(stored.map(\.quality) == [0.75, nil])
            #expect(stored.map(\.pack) == ["p1", "p2"])
            #expect(
                try await store.templates(tenantID: tenant.id, pack: "p1").map(\.sealed) == [
                    Contract.bytes(10), Contract.bytes(12),
                ])
            #expect(try await store.templateCount(tenantID: tenant.id) == 3)
            #expect(try await store.templateCount(tenantID: other.id) == 1)
            let enrol = try #require(try await Contract.events(store).first)
            #expect(enrol.details.contains(#""templates":["\#(added[0].id)","\#(added[1].id)"]"#))

            try await store.rekeyTenant(
                tenant.id, wrappedKey: Contract.bytes(20),
                templates: [added[0].id: Contract.bytes(21), added[1].id: Contract.bytes(22)],
                audit: Contract.draft("keys.rotate_tenant"), signer: Contract.signer)
            let rekeyed = try #require(try await store.tenant(named: "acme"))
            #expect(rekeyed.wrappedKey == Contract.bytes(20) && rekeyed.keyVersion == 2)
            #expect(
                try await store.templates(subjectID: alice.id).map(\.sealed) == [
                    Contract.bytes(21), Contract.bytes(22),
                ])
            #expect(try await store.templates(subjectID: bob.id).map(\.sealed) == [Contract.bytes(12)])
            #expect(try await Contract.events(store).last?.action == "keys.rotate_tenant")
        }
    }

    @Test(
        "erase: templates gone, consents revoked, subject erased, one event; compact runs",
        arguments: StoreKind.tested)
    func erase(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let store = try await harness.openStore()
            let tenant = try await store.insertTenant(named: "acme", wrappedKey: Contract.bytes(1))
            let alice = try await store.ensureSubject(tenantID: tenant.id, externalID: "alice", metadata: "{}")
            let bob = try await store.ensureSubject(tenantID: tenant.id, externalID: "bob", metadata: nil)
            for subject in [alice, bob] {
                _ = try await store.grantConsent(
                    NewConsent(purpose: "identity_verification", textVersion: "v1", textHash: "ab", evidence: nil),
                    subjectID: subject.id, audit: Contract.draft("consent.grant"), signer: Contract.signer)
            }
            let added = try await store.addTemplates(
                [
                    NewTemplate(pack: "p1", sealed: Contract.bytes(10), quality: nil),
                    NewTemplate(pack: "p1", sealed: Contract.bytes(11), quality: nil),
                ], subjectID: alice.id, audit: Contract.draft("enroll"), signer: Contract.signer)
            _ = try await store.addTemplates(
                [NewTemplate(pack: "p1", sealed: Contract.bytes(12), quality: nil)], subjectID: bob.id,
                audit: Contract.draft("enroll"), signer: Contract.signer)

            let removed = try await store.eraseSubject(
                alice.id, audit: Contract.draft("erase", subject: "alice"), signer: Contract.signer)
            #expect(removed.sorted() == added.map(\.id))
            #expect(try await store.templates(subjectID: alice.id).isEmpty)
            #expect(try await store.templates(subjectID: bob.id).count == 1)
            #expect(try await store.templateCount(tenantID: tenant.id) == 1)
            #expect(try await store.consents(subjectID: alice.id).allSatisfy { !$0.isActive })
            #expect(try await store.consents(subjectID: bob.id).allSatisfy(\.isActive))
            let erased = try #require(try await store.subject(tenantID: tenant.id, externalID: "alice"))
            #expect(erased.erasedAt != nil && erased.metadata == nil)
            let event = try #require(try await Contract.events(store).last)
            #expect(event.action == "erase" && event.subject == "alice")
            #expect(event.details.contains(#""templates_deleted":2"#))
            try await store.compact()
            #expect(try await store.templates(subjectID: bob.id).map(\.sealed) == [Contract.bytes(12)])
        }
    }

    @Test("consents: grant, list, revoke counts only active ones", arguments: StoreKind.tested)
    func consents(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let store = try await harness.openStore()
            let tenant = try await store.insertTenant(named: "acme", wrappedKey: Contract.bytes(1))
            let alice = try await store.ensureSubject(tenantID: tenant.id, externalID: "alice", metadata: nil)
            let granted = try await store.grantConsent(
                NewConsent(purpose: "identity_verification", textVersion: "v1", textHash: "ab", evidence: "form-7"),
                subjectID: alice.id, audit: Contract.draft("consent.grant"), signer: Contract.signer)
            _ = try await store.grantConsent(
                NewConsent(purpose: "fraud", textVersion: "v2", textHash: "cd", evidence: nil),
                subjectID: alice.id, audit: Contract.draft("consent.grant"), signer: Contract.signer)
            let listed = try await store.consents(subjectID: alice.id)
            #expect(listed.first == granted)
            #expect(listed.map(\.purpose) == ["identity_verification", "fraud"])
            #expect(listed.map(\.evidence) == ["form-7", nil])
            let revoked = try await store.revokeConsent(
                purpose: "identity_verification", subjectID: alice.id, audit: Contract.draft("consent.revoke"),
                signer: Contract.signer)
            #expect(revoked == 1)
            let again = try await store.revokeConsent(
                purpose: "identity_verification", subjectID: alice.id, audit: Contract.draft("consent.revoke"),
                signer: Contract.signer)
            #expect(again == 0)
            let after = try await store.consents(subjectID: alice.id)
            #expect(after.map(\.isActive) == [false, true])
            let events = try await Contract.events(store)
            #expect(events.map(\.action) == ["consent.grant", "consent.grant", "consent.revoke", "consent.revoke"])
            #expect(events.suffix(2).map { $0.details } == [#"{"revoked":1}"#, #"{"revoked":0}"#])
        }
    }

    @Test("API keys: insert, look up by hash, list, revoke once", arguments: StoreKind.tested)
    func apiKeys(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let store = try await harness.openStore()
            let acme = try await store.insertTenant(named: "acme", wrappedKey: Contract.bytes(1))
            let globex = try await store.insertTenant(named: "globex", wrappedKey: Contract.bytes(2))
            let first = try await store.insertAPIKey(
                NewAPIKey(id: "k_1", tenantID: acme.id, label: "ci", secretHash: Contract.bytes(30, count: 32)),
                audit: Contract.draft("api_key.create"), signer: Contract.signer)
            #expect(first.id == "k_1" && first.tenantName == "acme" && first.label == "ci" && first.isActive)
            _ = try await store.insertAPIKey(
                NewAPIKey(id: "k_2", tenantID: globex.id, label: nil, secretHash: Contract.bytes(31, count: 32)),
                audit: Contract.draft("api_key.create", tenant: "globex"), signer: Contract.signer)
            #expect(try await store.apiKey(secretHash: Contract.bytes(30, count: 32)) == first)
            #expect(try await store.apiKey(secretHash: Contract.bytes(99, count: 32)) == nil)
            #expect(try await store.apiKeys(tenantID: nil).map(\.id) == ["k_1", "k_2"])
            #expect(try await store.apiKeys(tenantID: globex.id).map(\.id) == ["k_2"])
            #expect(try await store.apiKeys(tenantID: globex.id).first?.label == nil)

            #expect(
                try await store.revokeAPIKey(
                    id: "k_1", audit: Contract.draft("api_key.revoke"), signer: Contract.signer))
            #expect(
                !(try await store.revokeAPIKey(
                    id: "k_1", audit: Contract.draft("api_key.revoke"), signer: Contract.signer)))
            #expect(
                !(try await store.revokeAPIKey(
                    id: "k_9", audit: Contract.draft("api_key.revoke"), signer: Contract.signer)))
            let revoked = try #require(try await store.apiKey(secretHash: Contract.bytes(30, count: 32)))
            #expect(!revoked.isActive)
            // A refused revocation leaves no event.
            #expect(
                try await Contract.events(store).map(\.action) == [
                    "api_key.create", "api_key.create", "api_key.revoke",
                ])
        }
    }

    @Test("audit: appends are numbered and linked; tenant filter and paging", arguments: StoreKind.tested)
    func audit(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let store = try await harness.openStore()
            var appended: [AuditEvent] = []
            for index in 0..<6 {
                appended.append(
                    try await store.appendAudit(
                        Contract.draft("search", tenant: index.isMultiple(of: 2) ? "acme" : "globex"),
                        signer: Contract.signer))
            }
            let events = try await Contract.events(store)
            #expect(events == appended)
            #expect(events.map(\.sequence) == Array(1...6))
            #expect(events.first?.previousHash == AuditSigner.genesis)
            #expect(zip(events.dropFirst(), events).allSatisfy { $0.previousHash == $1.hash })
            #expect(AuditVerification.check(events, signer: Contract.signer).isIntact)
            #expect(try await Contract.events(store, tenant: "globex").map(\.sequence) == [2, 4, 6])
            let page = try await store.auditEvents(tenant: nil, afterSequence: 2, limit: 3)
            #expect(page.map(\.sequence) == [3, 4, 5])
        }
    }

    @Test("audit: concurrent appends from several stores keep one gap-free chain", arguments: StoreKind.tested)
    func concurrentAppends(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            // Two stores on one database stand for two processes; each gets several writers.
            let stores = [try await harness.openStore(), try await harness.openStore()]
            let tenant = try await stores[0].insertTenant(named: "acme", wrappedKey: Contract.bytes(1))
            let writers = 6
            let appendsPerWriter = 15
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<writers {
                    let store = stores[writer % stores.count]
                    group.addTask {
                        for index in 0..<appendsPerWriter {
                            if index.isMultiple(of: 3) {
                                // A change with its event, not only bare appends.
                                _ = try await store.ensureSubject(
                                    tenantID: tenant.id, externalID: "w\(writer)-\(index)", metadata: nil)
                                let subject = try #require(
                                    try await store.subject(tenantID: tenant.id, externalID: "w\(writer)-\(index)"))
                                _ = try await store.addTemplates(
                                    [NewTemplate(pack: "p1", sealed: Contract.bytes(UInt8(index)), quality: nil)],
                                    subjectID: subject.id, audit: Contract.draft("enroll"), signer: Contract.signer)
                            } else {
                                _ = try await store.appendAudit(
                                    Contract.draft("search", subject: "w\(writer)"), signer: Contract.signer)
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let events = try await Contract.events(stores[1])
            #expect(events.count == writers * appendsPerWriter)
            #expect(events.map(\.sequence) == Array(1...Int64(writers * appendsPerWriter)))
            let verification = AuditVerification.check(events, signer: Contract.signer)
            #expect(verification.isIntact, "\(verification.problems)")
            #expect(try await stores[0].templateCount(tenantID: tenant.id) == writers * 5)
        }
    }

    @Test("two stores opening a fresh database at once both find the schema current", arguments: StoreKind.tested)
    func concurrentOpen(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            async let first = harness.openStore()
            async let second = harness.openStore()
            let stores = try await [first, second]
            _ = try await stores[0].insertTenant(named: "acme", wrappedKey: Contract.bytes(1))
            #expect(try await stores[1].tenants().map(\.name) == ["acme"])
        }
    }

    @Test("a gallery enrols, searches, erases and verifies its audit trail", arguments: StoreKind.tested)
    func galleryRoundTrip(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let gallery = try await harness.openGallery()
            for person in UInt64(1)...3 {
                try await Self.enroll(gallery, "p\(person)", GalleryFixture.face(person))
            }
            let probe = GalleryFixture.face(2, near: GalleryFixture.face(2), noise: 0.3)
            let found = try await gallery.search(
                tenant: "acme", pack: GalleryFixture.pack, vector: probe, k: 3, threshold: 0.3)
            #expect(found.first?.subject == "p2" && found.first?.match == true)
            let receipt = try await gallery.erase(tenant: "acme", subject: "p2")
            #expect(receipt.templatesDeleted == 1 && receipt.compacted)
            let after = try await gallery.search(
                tenant: "acme", pack: GalleryFixture.pack, vector: probe, k: 3, threshold: 0.3)
            #expect(!after.contains { $0.subject == "p2" })
            let issued = try await gallery.createAPIKey(tenant: "acme", label: "ci")
            #expect(try await gallery.authenticate(secret: issued.secret)?.id == issued.key.id)
            let verification = try await gallery.verifyAudit()
            #expect(verification.isIntact)
            let actions = try await gallery.auditEvents(tenant: nil).map(\.action)
            #expect(
                actions == [
                    "consent.grant", "enroll", "consent.grant", "enroll", "consent.grant", "enroll", "search", "erase",
                    "search", "api_key.create",
                ])
            #expect(try await gallery.indexMatchesStore(tenant: "acme", pack: GalleryFixture.pack).matches)
        }
    }

    @Test(
        "a gallery reopened on the same store finds its subjects, keys and audit trail", arguments: StoreKind.tested)
    func persistence(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let first = try await harness.openGallery()
            try await Self.enroll(first, "alice", GalleryFixture.face(7))
            let issued = try await first.createAPIKey(tenant: "acme", label: nil)
            await first.close()

            let second = try await harness.openGallery()
            let found = try await second.search(
                tenant: "acme", pack: GalleryFixture.pack, vector: GalleryFixture.face(7), k: 1, threshold: 0.3)
            #expect(found.map(\.subject) == ["alice"])
            #expect(try await second.authenticate(secret: issued.secret)?.id == issued.key.id)
            #expect(try await second.details(tenant: "acme", subject: "alice").templates.count == 1)
            let verification = try await second.verifyAudit()
            #expect(verification.isIntact)
            let actions = try await second.auditEvents(tenant: nil).map(\.action)
            #expect(actions == ["consent.grant", "enroll", "api_key.create", "search"])
            if kind == .postgres {
                // The records live in PostgreSQL; only the master key is in the directory.
                #expect(
                    !FileManager.default.fileExists(
                        atPath: harness.directory.appendingPathComponent("gallery.sqlite").path))
                #expect(
                    FileManager.default.fileExists(atPath: harness.directory.appendingPathComponent("master.key").path))
            }
        }
    }

    static func enroll(_ gallery: Gallery, _ subject: String, _ vector: [Float]) async throws {
        _ = try await gallery.grantConsent(
            tenant: "acme", subject: subject, purpose: Gallery.defaultPurpose, textVersion: "v1", text: "I agree.",
            evidence: "test")
        let result = try await gallery.enroll(
            EnrollmentRequest(
                tenant: "acme", subject: subject, pack: GalleryFixture.pack,
                samples: [EnrollmentSample(vector: vector, quality: 0.9)], duplicateThreshold: 0.34))
        #expect(result.status == .enrolled)
    }
}

/// What only the PostgreSQL store has: its URL and its error messages.
@Suite("PostgreSQL store")
struct PostgresStoreTests {
    @Test("URLs: both schemes, defaults, percent-encoded passwords, sslmode")
    func location() throws {
        let full = try PostgresLocation(url: "postgresql://me:p%40ss@db.example:6543/likeness?sslmode=require")
        #expect(full.host == "db.example" && full.port == 6543 && full.username == "me")
        #expect(full.password == "p@ss" && full.database == "likeness" && full.tls == .require)
        #expect(full.redacted == "postgres://me@db.example:6543/likeness")
        #expect("\(full)" == full.redacted && !String(reflecting: full).contains("p@ss"))
        #expect(try PostgresLocation(url: full.url) == full)
        let short = try PostgresLocation(url: "postgres://me@localhost")
        #expect(short.port == 5432 && short.database == "me" && short.password == nil && short.tls == .disable)
        #expect(throws: GalleryError.self) { try PostgresLocation(url: "mysql://me@localhost/db") }
        #expect(throws: GalleryError.self) { try PostgresLocation(url: "postgres://localhost/db") }
        #expect(throws: GalleryError.self) { try PostgresLocation(url: "postgres://me@localhost/db?sslmode=verify") }
        #expect(
            PostgresLocation.isPostgresURL("POSTGRES://x@y") && !PostgresLocation.isPostgresURL("data/gallery.sqlite"))
    }

    @Test("a wrong password is a store error that does not repeat the password", StoreHarness.needsPostgres)
    func wrongPassword() async throws {
        try await StoreHarness.with(.postgres) { harness in
            var location = try PostgresLocation(url: try #require(harness.databaseURL))
            location.password = "not-the-password-4711"
            let error = try await #require(throws: GalleryError.self) {
                _ = try await PostgresStore(url: location.url)
            }
            #expect(error.code == .storeFailure)
            #expect(error.message.contains("password authentication failed"))
            #expect(!error.message.contains("not-the-password-4711"))
        }
    }

    @Test("after erase and compact, the erased template is in none of the table's files", StoreHarness.needsPostgres)
    func compactRewritesFiles() async throws {
        try await StoreHarness.with(.postgres) { harness in
            let store = try #require(try await harness.openStore() as? PostgresStore)
            let tenant = try await store.insertTenant(named: "acme", wrappedKey: Contract.bytes(1))
            let alice = try await store.ensureSubject(tenantID: tenant.id, externalID: "alice", metadata: nil)
            var generator = SystemRandomNumberGenerator()
            let sealed = Data((0..<600).map { _ in UInt8.random(in: 0...255, using: &generator) })
            _ = try await store.addTemplates(
                [NewTemplate(pack: "p1", sealed: sealed, quality: nil)], subjectID: alice.id,
                audit: Contract.draft("enroll"), signer: Contract.signer)
            // The test cluster's user is a superuser on this machine; elsewhere the files are out of reach.
            func tableFile() async throws -> String? {
                _ = try await store.rows("test", "CHECKPOINT")
                let directory = try await store.rows("test", "SHOW data_directory").first?.value(
                    "data_directory", as: String.self)
                let relative = try await store.rows("test", "SELECT pg_relation_filepath('template') AS path")
                    .first?.value("path", as: String.self)
                guard let directory, let relative else { return nil }
                let path = directory + "/" + relative
                return FileManager.default.isReadableFile(atPath: path) ? path : nil
            }
            guard let before = try await tableFile() else { return }
            #expect(FileManager.default.contents(atPath: before)?.range(of: sealed) != nil)
            _ = try await store.eraseSubject(alice.id, audit: Contract.draft("erase"), signer: Contract.signer)
            #expect(FileManager.default.contents(atPath: before)?.range(of: sealed) != nil, "only marked dead")
            // VACUUM FULL keeps a deleted row that an older transaction might still see, and the
            // other tests' connections starting up hold such snapshots for a moment (see
            // `PostgresStore.compact`): compact again until they are gone, as an operator would.
            var after = before
            for _ in 0..<20 {
                try await store.compact()
                after = try #require(try await tableFile())
                if FileManager.default.contents(atPath: after)?.range(of: sealed) == nil { break }
                try await Task.sleep(for: .milliseconds(250))
            }
            #expect(after != before)
            #expect(FileManager.default.contents(atPath: after)?.range(of: sealed) == nil)
            #expect(FileManager.default.contents(atPath: before)?.range(of: sealed) == nil)
        }
    }

    @Test("the schema is recorded as v1 and v2, and reopening applies nothing twice", StoreHarness.needsPostgres)
    func migrations() async throws {
        try await StoreHarness.with(.postgres) { harness in
            let store = try #require(try await harness.openStore() as? PostgresStore)
            let versions = try await store.rows("test", "SELECT version FROM schema_migration ORDER BY version")
                .map { try $0.value("version", as: String.self) }
            #expect(versions == ["v1", "v2"])
            _ = try await harness.openStore()
            let count = try await store.rows("test", "SELECT count(*) AS n FROM schema_migration")
                .first?.value("n", as: Int.self)
            #expect(count == 2)
        }
    }
}
