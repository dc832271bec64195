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
            let acme = try await Contract.tenant(store, "acme", key: Contract.bytes(1))
            let again = try await Contract.tenant(store, "acme", key: Contract.bytes(2))
            #expect(again == acme)
            #expect(acme.wrappedKey == Contract.bytes(1) && acme.keyVersion == 1)
            let globex = try await Contract.tenant(store, "globex", key: Contract.bytes(3))
            #expect(globex.id > acme.id)
            #expect(try await store.tenant(named: "globex") == globex)
            #expect(try await store.tenants().map(\.name) == ["acme", "globex"])
        }
    }

    @Test(
        "secrets and keys: insert-if-absent keeps the first; replacing keys keeps or raises the version",
        arguments: StoreKind.tested)
    func secrets(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let store = try await harness.openStore()
            #expect(try await store.secret(named: "audit") == nil)
            let first = try await store.transaction {
                try await $0.insertSecretIfAbsent(named: "audit", wrapped: Contract.bytes(1))
            }
            let second = try await store.transaction {
                try await $0.insertSecretIfAbsent(named: "audit", wrapped: Contract.bytes(2))
            }
            #expect(first == Contract.bytes(1) && second == Contract.bytes(1))
            #expect(try await store.secret(named: "audit") == Contract.bytes(1))
            let tenant = try await Contract.tenant(store, "acme", key: Contract.bytes(3))
            try await store.transaction { transaction in
                try await transaction.updateTenantKey(tenant.id, wrappedKey: Contract.bytes(4), newVersion: false)
                try await transaction.updateSecret(named: "audit", wrapped: Contract.bytes(5))
                _ = try await transaction.appendAudit(Contract.draft("keys.rotate_master"), signer: Contract.signer)
            }
            #expect(try await store.secret(named: "audit") == Contract.bytes(5))
            let rewrapped = try #require(try await store.tenant(named: "acme"))
            #expect(rewrapped.wrappedKey == Contract.bytes(4) && rewrapped.keyVersion == 1)
            try await store.transaction {
                try await $0.updateTenantKey(tenant.id, wrappedKey: Contract.bytes(6), newVersion: true)
            }
            let rekeyed = try #require(try await store.tenant(named: "acme"))
            #expect(rekeyed.wrappedKey == Contract.bytes(6) && rekeyed.keyVersion == 2)
            #expect(try await Contract.events(store).map(\.action) == ["keys.rotate_master"])
        }
    }

    @Test("subjects: upsert creates, keeps metadata, pages, counts, erases and revives", arguments: StoreKind.tested)
    func subjects(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let store = try await harness.openStore()
            let tenant = try await Contract.tenant(store, "acme", key: Contract.bytes(1))
            let other = try await Contract.tenant(store, "globex", key: Contract.bytes(2))
            let alice = try await Contract.subject(store, tenantID: tenant.id, "alice", metadata: #"{"a":1}"#)
            #expect(alice.externalID == "alice" && alice.metadata == #"{"a":1}"# && alice.erasedAt == nil)
            let same = try await Contract.subject(store, tenantID: tenant.id, "alice")
            #expect(same.id == alice.id && same.metadata == #"{"a":1}"#)
            let replaced = try await Contract.subject(store, tenantID: tenant.id, "alice", metadata: "{}")
            #expect(replaced.metadata == "{}")
            for name in ["bob", "carol", "dave"] {
                _ = try await Contract.subject(store, tenantID: tenant.id, name)
            }
            _ = try await Contract.subject(store, tenantID: other.id, "alice")
            #expect(try await store.subject(tenantID: tenant.id, externalID: "alice") == replaced)
            #expect(try await store.subject(tenantID: tenant.id, externalID: "nobody") == nil)
            let first = try await store.subjects(tenantID: tenant.id, afterID: 0, limit: 2)
            let rest = try await store.subjects(tenantID: tenant.id, afterID: first.last!.id, limit: 10)
            #expect((first + rest).map(\.externalID) == ["alice", "bob", "carol", "dave"])
            #expect(try await store.subjectCount(tenantID: tenant.id) == 4)
            #expect(try await store.subjectCount(tenantID: other.id) == 1)

            let erasedAt = Date(timeIntervalSince1970: 1_700_000_000.123)
            try await store.transaction { try await $0.updateSubject(alice.id, erasedAt: erasedAt, metadata: nil) }
            #expect(try await store.subjectCount(tenantID: tenant.id) == 3)
            let erased = try #require(try await store.subject(tenantID: tenant.id, externalID: "alice"))
            #expect(erased.erasedAt == Date(storeMilliseconds: erasedAt.storeMilliseconds) && erased.metadata == nil)
            let revived = try await Contract.subject(store, tenantID: tenant.id, "alice")
            #expect(revived.id == alice.id && revived.erasedAt == nil)
            #expect(try await store.subjectCount(tenantID: tenant.id) == 4)
        }
    }

    @Test(
        "templates: insert, list by subject and by tenant and pack, count, replace, delete",
        arguments: StoreKind.tested)
    func templates(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let store = try await harness.openStore()
            let tenant = try await Contract.tenant(store, "acme", key: Contract.bytes(1))
            let other = try await Contract.tenant(store, "globex", key: Contract.bytes(2))
            let alice = try await Contract.subject(store, tenantID: tenant.id, "alice")
            let bob = try await Contract.subject(store, tenantID: tenant.id, "bob")
            let eve = try await Contract.subject(store, tenantID: other.id, "eve")
            let added = try await Contract.addTemplates(
                store,
                [
                    NewTemplate(pack: "p1", sealed: Contract.bytes(10), quality: 0.75),
                    NewTemplate(pack: "p2", sealed: Contract.bytes(11), quality: nil),
                ], subjectID: alice.id, audit: Contract.draft("enroll", subject: "alice"))
            #expect(added.count == 2 && added[0].id < added[1].id)
            #expect(added.map(\.subjectID) == [alice.id, alice.id])
            _ = try await Contract.addTemplates(
                store, [NewTemplate(pack: "p1", sealed: Contract.bytes(12), quality: 0.5)], subjectID: bob.id,
                audit: Contract.draft("enroll", subject: "bob"))
            _ = try await Contract.addTemplates(
                store, [NewTemplate(pack: "p1", sealed: Contract.bytes(13), quality: 0.5)], subjectID: eve.id,
                audit: Contract.draft("enroll", tenant: "globex", subject: "eve"))

            let stored = try await store.templates(subjectID: alice.id)
            #expect(stored == added, "an inserted template equals the one read back")
            #expect(stored.map(\.sealed) == [Contract.bytes(10), Contract.bytes(11)])
            #expect(stored.map(\.quality) == [0.75, nil])
            #expect(stored.map(\.pack) == ["p1", "p2"])
            #expect(
                try await store.templates(tenantID: tenant.id, pack: "p1").map(\.sealed) == [
                    Contract.bytes(10), Contract.bytes(12),
                ])
            #expect(try await store.templateCount(tenantID: tenant.id) == 3)
            #expect(try await store.templateCount(tenantID: other.id) == 1)
            // The store writes the details it is given, and adds none of its own.
            let enrol = try #require(try await Contract.events(store).first)
            #expect(enrol.details == "{}")

            try await store.transaction {
                try await $0.updateTemplates(sealed: [added[0].id: Contract.bytes(21), added[1].id: Contract.bytes(22)], keyVersion: 2)
            }
            #expect(
                try await store.templates(subjectID: alice.id).map(\.sealed) == [
                    Contract.bytes(21), Contract.bytes(22),
                ])
            #expect(try await store.templates(subjectID: bob.id).map(\.sealed) == [Contract.bytes(12)])

            let removed = try await store.transaction { try await $0.deleteTemplates(subjectID: alice.id) }
            #expect(removed == added.map(\.id))
            #expect(try await store.templates(subjectID: alice.id).isEmpty)
            #expect(try await store.templateCount(tenantID: tenant.id) == 1)
            #expect(try await store.transaction { try await $0.deleteTemplates(subjectID: alice.id) }.isEmpty)
        }
    }

    @Test(
        "erase: Gallery's erasure on the store leaves no template, no active consent, no metadata; compact runs",
        arguments: StoreKind.tested)
    func erase(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let gallery = try await harness.openGallery()
            for subject in ["alice", "bob"] {
                try await Self.enroll(gallery, subject, GalleryFixture.face(subject == "alice" ? 1 : 2))
            }
            _ = try await gallery.grantConsent(
                tenant: "acme", subject: "alice", purpose: "fraud", textVersion: "v2", text: "Also this.", evidence: nil
            )
            _ = try await gallery.enroll(
                EnrollmentRequest(
                    tenant: "acme", subject: "alice", pack: GalleryFixture.pack,
                    samples: [
                        EnrollmentSample(
                            vector: GalleryFixture.face(1, near: GalleryFixture.face(1), noise: 0.3), quality: nil)
                    ],
                    duplicateThreshold: 0.34))
            let store = gallery.store
            let tenant = try #require(try await store.tenant(named: "acme"))
            let alice = try #require(try await store.subject(tenantID: tenant.id, externalID: "alice"))
            let bob = try #require(try await store.subject(tenantID: tenant.id, externalID: "bob"))
            let bobTemplates = try await store.templates(subjectID: bob.id)

            let receipt = try await gallery.erase(tenant: "acme", subject: "alice", reason: "request")
            #expect(receipt.templatesDeleted == 2 && receipt.purged)
            #expect(try await store.templates(subjectID: alice.id).isEmpty)
            #expect(try await store.templates(subjectID: bob.id) == bobTemplates)
            #expect(try await store.templateCount(tenantID: tenant.id) == 1)
            #expect(try await store.consents(subjectID: alice.id).map(\.isActive) == [false, false])
            #expect(try await store.consents(subjectID: bob.id).allSatisfy(\.isActive))
            let erased = try #require(try await store.subject(tenantID: tenant.id, externalID: "alice"))
            #expect(erased.erasedAt != nil && erased.metadata == nil)
            let event = try #require(try await Contract.events(store).last)
            #expect(event.action == "erase" && event.subject == "alice")
            #expect(event.details == #"{"reason":"request","templates_deleted":2}"#)
            #expect(try await gallery.verifyAudit().isIntact)
        }
    }

    @Test("consents: insert, list, revoke counts only active ones, per purpose or all", arguments: StoreKind.tested)
    func consents(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let store = try await harness.openStore()
            let tenant = try await Contract.tenant(store, "acme", key: Contract.bytes(1))
            let alice = try await Contract.subject(store, tenantID: tenant.id, "alice")
            let granted = try await Contract.grant(store, Contract.consent(evidence: "form-7"), subjectID: alice.id)
            _ = try await Contract.grant(store, Contract.consent("fraud"), subjectID: alice.id)
            _ = try await Contract.grant(store, Contract.consent("marketing"), subjectID: alice.id)
            let listed = try await store.consents(subjectID: alice.id)
            #expect(listed.first == granted)
            #expect(listed.map(\.purpose) == ["identity_verification", "fraud", "marketing"])
            #expect(listed.map(\.evidence) == ["form-7", nil, nil])
            func revoke(_ purpose: String?) async throws -> Int {
                try await store.transaction {
                    try await $0.revokeConsents(subjectID: alice.id, purpose: purpose, at: Date())
                }
            }
            #expect(try await revoke("identity_verification") == 1)
            #expect(try await revoke("identity_verification") == 0)
            #expect(try await store.consents(subjectID: alice.id).map(\.isActive) == [false, true, true])
            #expect(try await revoke(nil) == 2)
            #expect(try await revoke(nil) == 0)
            let after = try await store.consents(subjectID: alice.id)
            #expect(after.allSatisfy { !$0.isActive })
        }
    }

    @Test("consents: Gallery's revocation records how many it revoked; revoking nothing is not found", arguments: StoreKind.tested)
    func consentEvents(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let gallery = try await harness.openGallery(requireConsent: false)
            _ = try await gallery.grantConsent(
                tenant: "acme", subject: "alice", purpose: "fraud", textVersion: "v1", text: "Yes.", evidence: nil)
            #expect(try await gallery.revokeConsent(tenant: "acme", subject: "alice", purpose: "fraud").revoked == 1)
            // Nothing left to revoke: not found, and nothing recorded.
            await #expect(throws: GalleryError(.notFound, "no active consent for fraud")) {
                try await gallery.revokeConsent(tenant: "acme", subject: "alice", purpose: "fraud")
            }
            let events = try await Contract.events(gallery.store)
            #expect(events.map(\.action) == ["consent.grant", "consent.revoke"])
            #expect(events.last?.details == #"{"purpose":"fraud","revoked":1}"#)
        }
    }

    @Test("API keys: insert, look up by hash, list, revoke once", arguments: StoreKind.tested)
    func apiKeys(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let store = try await harness.openStore()
            let acme = try await Contract.tenant(store, "acme", key: Contract.bytes(1))
            let globex = try await Contract.tenant(store, "globex", key: Contract.bytes(2))
            let first = try await store.transaction {
                try await $0.insertAPIKey(
                    NewAPIKey(id: "k_1", tenantID: acme.id, label: "ci", secretHash: Contract.bytes(30, count: 32)),
                    at: Date())
            }
            #expect(first.id == "k_1" && first.tenantName == "acme" && first.label == "ci" && first.isActive)
            _ = try await store.transaction {
                try await $0.insertAPIKey(
                    NewAPIKey(id: "k_2", tenantID: globex.id, label: nil, secretHash: Contract.bytes(31, count: 32)),
                    at: Date())
            }
            #expect(try await store.apiKey(secretHash: Contract.bytes(30, count: 32)) == first)
            #expect(try await store.apiKey(secretHash: Contract.bytes(99, count: 32)) == nil)
            #expect(try await store.apiKeys(tenantID: nil).map(\.id) == ["k_1", "k_2"])
            #expect(try await store.apiKeys(tenantID: globex.id).map(\.id) == ["k_2"])
            #expect(try await store.apiKeys(tenantID: globex.id).first?.label == nil)

            func revoke(_ id: String) async throws -> Bool {
                try await store.transaction { try await $0.revokeAPIKey(id: id, at: Date()) }
            }
            #expect(try await revoke("k_1"))
            #expect(!(try await revoke("k_1")))
            #expect(!(try await revoke("k_9")))
            let revoked = try #require(try await store.apiKey(secretHash: Contract.bytes(30, count: 32)))
            #expect(!revoked.isActive)
        }
    }

    @Test("API keys: Gallery's refused revocation leaves no event", arguments: StoreKind.tested)
    func apiKeyEvents(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let gallery = try await harness.openGallery()
            let issued = try await gallery.createAPIKey(tenant: "acme", label: "ci")
            try await gallery.revokeAPIKey(id: issued.key.id)
            await #expect(throws: GalleryError.self) { try await gallery.revokeAPIKey(id: issued.key.id) }
            #expect(try await Contract.events(gallery.store).map(\.action) == ["api_key.create", "api_key.revoke"])
        }
    }

    @Test("audit: appends are numbered and linked; tenant filter and paging", arguments: StoreKind.tested)
    func audit(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let store = try await harness.openStore()
            #expect(try await store.transaction { try await $0.lastAuditLink() } == nil)
            var appended: [AuditEvent] = []
            for index in 0..<6 {
                appended.append(
                    try await Contract.append(
                        store, Contract.draft("search", tenant: index.isMultiple(of: 2) ? "acme" : "globex")))
            }
            let events = try await Contract.events(store)
            #expect(events == appended)
            #expect(events.map(\.sequence) == Array(1...6))
            #expect(events.first?.previousHash == AuditSigner.genesis)
            #expect(zip(events.dropFirst(), events).allSatisfy { $0.previousHash == $1.hash })
            #expect(AuditVerification.check(events, signer: Contract.signer).isIntact)
            #expect(
                try await store.transaction { try await $0.lastAuditLink() }
                    == AuditLink(sequence: 6, hash: events[5].hash))
            #expect(try await Contract.events(store, tenant: "globex").map(\.sequence) == [2, 4, 6])
            let page = try await store.auditEvents(tenant: nil, afterSequence: 2, limit: 3)
            #expect(page.map(\.sequence) == [3, 4, 5])
        }
    }

    @Test("a transaction that throws leaves neither its change nor its event", arguments: StoreKind.tested)
    func rollback(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let store = try await harness.openStore()
            let tenant = try await Contract.tenant(store, "acme", key: Contract.bytes(1))
            let alice = try await Contract.subject(store, tenantID: tenant.id, "alice")
            let kept = try await Contract.append(store, Contract.draft("search"))
            await #expect(throws: Abort.self) {
                try await store.transaction { transaction in
                    _ = try await transaction.insertTemplate(
                        NewTemplate(pack: "p1", sealed: Contract.bytes(10), quality: nil), subjectID: alice.id,
                        at: Date())
                    _ = try await transaction.revokeConsents(subjectID: alice.id, purpose: nil, at: Date())
                    _ = try await transaction.appendAudit(Contract.draft("enroll"), signer: Contract.signer)
                    throw Abort()
                }
            }
            // A failing event (its sequence is taken) undoes the change made before it.
            await #expect(throws: GalleryError.self) {
                try await store.transaction { transaction in
                    _ = try await transaction.upsertSubject(
                        tenantID: tenant.id, externalID: "bob", metadata: nil, at: Date())
                    try await transaction.insertAuditEvent(kept)
                }
            }
            #expect(try await store.templates(subjectID: alice.id).isEmpty)
            #expect(try await store.subject(tenantID: tenant.id, externalID: "bob") == nil)
            #expect(try await Contract.events(store) == [kept])
            // The store is usable after both: the next event follows the one that was kept.
            let next = try await Contract.append(store, Contract.draft("search"))
            #expect(next.sequence == 2 && next.previousHash == kept.hash)
        }
    }

    @Test("audit: concurrent appends from several stores keep one gap-free chain", arguments: StoreKind.tested)
    func concurrentAppends(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            // Two stores on one database stand for two processes; each gets several writers.
            let stores = [try await harness.openStore(), try await harness.openStore()]
            let tenant = try await Contract.tenant(stores[0], "acme", key: Contract.bytes(1))
            let writers = 6
            let appendsPerWriter = 15
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<writers {
                    let store = stores[writer % stores.count]
                    group.addTask {
                        for index in 0..<appendsPerWriter {
                            if index.isMultiple(of: 3) {
                                // A change with its event, not only bare appends.
                                let subject = try await Contract.subject(
                                    store, tenantID: tenant.id, "w\(writer)-\(index)")
                                _ = try await Contract.addTemplates(
                                    store,
                                    [NewTemplate(pack: "p1", sealed: Contract.bytes(UInt8(index)), quality: nil)],
                                    subjectID: subject.id, audit: Contract.draft("enroll"))
                            } else {
                                _ = try await Contract.append(store, Contract.draft("search", subject: "w\(writer)"))
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
            _ = try await Contract.tenant(stores[0], "acme", key: Contract.bytes(1))
            #expect(try await stores[1].tenants().map(\.name) == ["acme"])
        }
    }

    @Test("a database written by a newer version is refused, naming both versions", arguments: StoreKind.tested)
    func newerSchema(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let store = try await harness.openStore()
            try await harness.recordMigration("v9", on: store)
            await store.close()
            let error = try await #require(throws: GalleryError.self) { _ = try await harness.openStore() }
            #expect(error.code == .storeFailure)
            #expect(error.message.contains("schema version v9"), "\(error.message)")
            #expect(error.message.contains("up to v5"), "\(error.message)")
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
            #expect(receipt.templatesDeleted == 1 && receipt.purged)
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
            let tenant = try await Contract.tenant(store, "acme", key: Contract.bytes(1))
            let alice = try await Contract.subject(store, tenantID: tenant.id, "alice")
            var generator = SystemRandomNumberGenerator()
            let sealed = Data((0..<600).map { _ in UInt8.random(in: 0...255, using: &generator) })
            _ = try await Contract.addTemplates(
                store, [NewTemplate(pack: "p1", sealed: sealed, quality: nil)], subjectID: alice.id,
                audit: Contract.draft("enroll"))
            // The test reads the table's files, so it needs the server on this machine with files
            // this user can read: the cluster `make test` starts. Anywhere else it fails, saying
            // why, rather than passing without having looked.
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
            let before = try #require(
                try await tableFile(),
                "cannot read the server's table files (is the server on another machine, or run by another user?)")
            #expect(FileManager.default.contents(atPath: before)?.range(of: sealed) != nil)
            _ = try await store.transaction { try await $0.deleteTemplates(subjectID: alice.id) }
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

    @Test("the schema is recorded as v1 to v5, and reopening applies nothing twice", StoreHarness.needsPostgres)
    func migrations() async throws {
        try await StoreHarness.with(.postgres) { harness in
            let store = try #require(try await harness.openStore() as? PostgresStore)
            let versions = try await store.rows("test", "SELECT version FROM schema_migration ORDER BY version")
                .map { try $0.value("version", as: String.self) }
            #expect(versions == ["v1", "v2", "v3", "v4", "v5"])
            _ = try await harness.openStore()
            let count = try await store.rows("test", "SELECT count(*) AS n FROM schema_migration")
                .first?.value("n", as: Int.self)
            #expect(count == 5)
        }
    }

    @Test("templates are read with their subject's external id, by every read and by the insert", arguments: StoreKind.tested)
    func templateExternalIDs(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let store = try await harness.openStore()
            let tenant = try await Contract.tenant(store, "acme", key: Contract.bytes(1))
            let alice = try await Contract.subject(store, tenantID: tenant.id, "alice")
            let added = try await Contract.addTemplates(
                store, [NewTemplate(pack: "p1", sealed: Contract.bytes(10), quality: nil, keyVersion: 1)],
                subjectID: alice.id, audit: Contract.draft("enroll", subject: "alice"))
            #expect(added.map(\.subjectExternalID) == ["alice"])
            #expect(try await store.templates(subjectID: alice.id).map(\.subjectExternalID) == ["alice"])
            #expect(try await store.templates(tenantID: tenant.id, pack: "p1").map(\.subjectExternalID) == ["alice"])
            #expect(try await store.templates(ids: added.map(\.id)).map(\.subjectExternalID) == ["alice"])
            let inTransaction = try await store.transaction { try await $0.templates(tenantID: tenant.id) }
            #expect(inTransaction.map(\.subjectExternalID) == ["alice"])
        }
    }

    @Test("API key hashes: listed and replaced inside a transaction", arguments: StoreKind.tested)
    func apiKeyHashReplacement(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let store = try await harness.openStore()
            let acme = try await Contract.tenant(store, "acme", key: Contract.bytes(1))
            for (id, seed) in [("k_2", UInt8(31)), ("k_1", UInt8(30))] {
                _ = try await store.transaction {
                    try await $0.insertAPIKey(
                        NewAPIKey(id: id, tenantID: acme.id, label: nil, secretHash: Contract.bytes(seed, count: 32)),
                        at: Date())
                }
            }
            let listed = try await store.transaction { try await $0.apiKeyHashes() }
            #expect(listed.map { $0.id } == ["k_1", "k_2"])
            #expect(listed.map { $0.secretHash } == [Contract.bytes(30, count: 32), Contract.bytes(31, count: 32)])
            try await store.transaction { try await $0.updateAPIKeyHash(id: "k_1", secretHash: Contract.bytes(40, count: 32)) }
            #expect(try await store.apiKey(secretHash: Contract.bytes(30, count: 32)) == nil)
            #expect(try await store.apiKey(secretHash: Contract.bytes(40, count: 32))?.id == "k_1")
        }
    }
}
