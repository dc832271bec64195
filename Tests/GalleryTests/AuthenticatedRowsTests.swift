import Crypto
import Foundation
import GRDB
import TestSupport
import Testing

@testable import Gallery

/// What a database writer without the master key can no longer do: make one person's face
/// verify as another, mint an API key, or move keys between purposes; and what the gallery does
/// with a tenant whose templates no longer open.
@Suite("Authenticated rows")
struct AuthenticatedRowsTests {
    static let pack = GalleryFixture.pack

    /// The code of the gallery error `body` throws (nil when it throws none, or another error).
    static func code(_ body: () async throws -> Void) async -> GalleryError.Code? {
        do {
            try await body()
            return nil
        } catch let error as GalleryError {
            return error.code
        } catch {
            return nil
        }
    }

    @Test(
        "swapping two subjects' external ids in the database makes their templates fail to open, not match",
        arguments: StoreKind.tested)
    func swappedExternalIDs(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let gallery = try await harness.openGallery()
            let alice = GalleryFixture.face(1)
            _ = try await ConsistencyTests.enroll(gallery, "alice", [alice])
            _ = try await ConsistencyTests.enroll(gallery, "bob", [GalleryFixture.face(2)])
            let before = try await gallery.verify(
                tenant: "acme", subject: "alice", pack: Self.pack, vector: alice, threshold: 0.34)
            #expect(before.match)
            try await harness.execute(
                [
                    "UPDATE subject SET external_id = 'swap' WHERE external_id = 'alice'",
                    "UPDATE subject SET external_id = 'alice' WHERE external_id = 'bob'",
                    "UPDATE subject SET external_id = 'bob' WHERE external_id = 'swap'",
                ], on: gallery.store)
            // Alice's row now carries bob's name: her face claimed as bob is an integrity error.
            let claimed = await Self.code {
                _ = try await gallery.verify(
                    tenant: "acme", subject: "bob", pack: Self.pack, vector: alice, threshold: 0.34)
            }
            #expect(claimed == .dataTampered)

            // A fresh process cannot build the tenant's index: its searches say so, each time,
            // rather than finding nobody; another tenant is served meanwhile.
            let fresh = try await harness.openGallery()
            for _ in 0..<2 {
                let searched = await Self.code { _ = try await ConsistencyTests.best(fresh, alice) }
                #expect(searched == .indexUnavailable)
            }
            try await fresh.loadIndexes(pack: Self.pack)  // a server starts with the other tenants
            _ = try await ConsistencyTests.enroll(fresh, "carol", [GalleryFixture.face(3)], tenant: "globex")
            #expect(
                try await ConsistencyTests.best(fresh, GalleryFixture.face(3), tenant: "globex")?.subject == "carol")
        }
    }

    @Test("a failed index build is retried after the interval and recovers once the data is whole again")
    func indexRetried() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("likeness-test-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = GalleryConfiguration()
        configuration.requireConsent = false
        configuration.indexRetryInterval = .seconds(5)
        let gallery = try await Gallery.open(directory: directory, configuration: configuration, environment: [:])
        let face = GalleryFixture.face(5)
        _ = try await gallery.enroll(
            EnrollmentRequest(
                tenant: "acme", subject: "dan", pack: Self.pack,
                samples: [EnrollmentSample(vector: face, quality: 0.9)],
                duplicateThreshold: 0.34, policy: .reject))
        let store = try #require(gallery.store as? SQLiteStore)
        try await store.pool.write { db in try db.execute(sql: "UPDATE subject SET external_id = 'eve'") }
        let fresh = try await Gallery.open(directory: directory, configuration: configuration, environment: [:])
        let first = await Self.code {
            _ = try await fresh.search(tenant: "acme", pack: Self.pack, vector: face, k: 1, threshold: 0.34)
        }
        let failed = ContinuousClock.now
        #expect(first == .indexUnavailable)
        try await store.pool.write { db in try db.execute(sql: "UPDATE subject SET external_id = 'dan'") }
        // Within the interval the failure is answered from memory; after it, a build is tried again.
        // (Checked only while the interval lasts: on a loaded machine the write above can outlast it.)
        let remembered = await Self.code {
            _ = try await fresh.search(tenant: "acme", pack: Self.pack, vector: face, k: 1, threshold: 0.34)
        }
        if ContinuousClock.now - failed < .seconds(4) { #expect(remembered == .indexUnavailable) }
        try await Task.sleep(until: failed + .milliseconds(5_200))
        let found = try await fresh.search(tenant: "acme", pack: Self.pack, vector: face, k: 1, threshold: 0.34)
        #expect(found.first?.subject == "dan")
        await fresh.close()
        await gallery.close()
    }

    @Test("API key hashes are MACs: the stored value is not the secret's SHA-256, and a row minted with one fails")
    func apiKeyHashes() async throws {
        let fixture = try await GalleryFixture()
        defer { fixture.remove() }
        let issued = try await fixture.gallery.createAPIKey(tenant: "acme", label: "ci")
        #expect(try await fixture.gallery.authenticate(secret: issued.secret)?.id == issued.key.id)
        let sha = Data(SHA256.hash(data: Data(issued.secret.utf8)))
        #expect(try await fixture.gallery.store.apiKey(secretHash: sha) == nil)
        // A database writer inserts a key of their own, hashed as before.
        let minted = "lk_0badc0ffee00_" + String(repeating: "ab", count: 24)
        let mintedHash = Data(SHA256.hash(data: Data(minted.utf8)))
        let store = try #require(fixture.gallery.store as? SQLiteStore)
        try await store.pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO api_key (id, tenant_id, secret_hash, label, created_at)
                    SELECT 'k_0badc0ffee00', id, ?, 'minted', 0 FROM tenant WHERE name = 'acme'
                    """, arguments: [mintedHash])
        }
        #expect(try await fixture.gallery.authenticate(secret: minted) == nil)
        // Hashes swapped between two tenants' rows: a key does not authenticate as the other
        // tenant's (the id in the secret must be the row's).
        let other = try await fixture.gallery.createAPIKey(tenant: "globex", label: nil)
        let (acmeID, globexID) = (issued.key.id, other.key.id)
        try await store.pool.write { db in
            let first = try Data.fetchOne(db, sql: "SELECT secret_hash FROM api_key WHERE id = ?", arguments: [acmeID])
            let second = try Data.fetchOne(
                db, sql: "SELECT secret_hash FROM api_key WHERE id = ?", arguments: [globexID])
            try db.execute(sql: "UPDATE api_key SET secret_hash = X'00' WHERE id = ?", arguments: [acmeID])
            try db.execute(sql: "UPDATE api_key SET secret_hash = ? WHERE id = ?", arguments: [first, globexID])
            try db.execute(sql: "UPDATE api_key SET secret_hash = ? WHERE id = ?", arguments: [second, acmeID])
        }
        #expect(try await fixture.gallery.authenticate(secret: issued.secret) == nil)
        #expect(try await fixture.gallery.authenticate(secret: other.secret) == nil)
    }

    @Test("a tenant named audit gets a data key of its own, not the audit key")
    func tenantNamedAudit() async throws {
        let fixture = try await GalleryFixture()
        defer { fixture.remove() }
        try await fixture.enroll("p1", [GalleryFixture.face(1)], tenant: "audit")
        let master = try MasterKey.load(
            file: fixture.directory.appendingPathComponent("master.key"), environment: [:], create: false)
        let wrapper = try KeyWrapper(masterKey: master.symmetricKey)
        let tenant = try #require(try await fixture.gallery.store.tenant(named: "audit"))
        let wrappedAudit = try #require(try await fixture.gallery.store.secret(named: Gallery.auditKeyName))
        let dataKey = try wrapper.unwrap(tenant.wrappedKey, .tenant("audit"))
        let auditKey = try wrapper.unwrap(wrappedAudit, .system(Gallery.auditKeyName))
        #expect(dataKey.withUnsafeBytes { Data($0) } != auditKey.withUnsafeBytes { Data($0) })
        #expect(throws: GalleryError.self) { try wrapper.unwrap(tenant.wrappedKey, .system(Gallery.auditKeyName)) }
        #expect(throws: GalleryError.self) { try wrapper.unwrap(wrappedAudit, .tenant("audit")) }
        #expect(try await fixture.gallery.verifyAudit().isIntact)
    }

    @Test("a gallery in key format 1 is upgraded at open: templates re-sealed, keys re-wrapped, API keys kept")
    func upgradeFromFormat1() async throws {
        let fixture = try await GalleryFixture()
        defer { fixture.remove() }
        let alice = GalleryFixture.face(1)
        try await fixture.enroll("alice", [alice])
        try await fixture.enroll("bob", [GalleryFixture.face(2)])
        let issued = try await fixture.gallery.createAPIKey(tenant: "acme", label: "ci")

        // Write the data back as key format 1 had it.
        let master = try MasterKey.load(
            file: fixture.directory.appendingPathComponent("master.key"), environment: [:], create: false)
        let wrapper = try KeyWrapper(masterKey: master.symmetricKey)
        let store = try #require(fixture.gallery.store as? SQLiteStore)
        let tenant = try #require(try await store.tenant(named: "acme"))
        let dataKey = try wrapper.unwrap(tenant.wrappedKey, .tenant("acme"))
        let cipher = try TenantKeys.cipher(dataKey: dataKey)
        let auditKey = try wrapper.unwrap(
            try #require(try await store.secret(named: Gallery.auditKeyName)), .system(Gallery.auditKeyName))
        var legacy: [Int64: Data] = [:]
        for template in try await store.templates(tenantID: tenant.id, pack: Self.pack) {
            let externalID = try #require(template.subjectExternalID)
            let vector = try cipher.open(
                template.sealed,
                context: TenantKeys.context(
                    tenantID: tenant.id, subjectID: template.subjectID, externalID: externalID, pack: template.pack,
                    keyVersion: try #require(template.keyVersion)))
            legacy[template.id] = try cipher.seal(
                vector,
                context: TenantKeys.legacyContext(
                    tenantID: tenant.id, subjectID: template.subjectID, pack: template.pack,
                    keyVersion: template.keyVersion))
        }
        #expect(legacy.count == 2)
        let legacyTenantKey = try wrapper.wrap(dataKey, .legacy("acme"))
        let legacyAuditKey = try wrapper.wrap(auditKey, .legacy(Gallery.auditKeyName))
        let sha = Data(SHA256.hash(data: Data(issued.secret.utf8)))
        let (tenantID, keyID, rows) = (tenant.id, issued.key.id, legacy)
        try await store.pool.write { db in
            try db.execute(
                sql: "UPDATE tenant SET wrapped_key = ? WHERE id = ?", arguments: [legacyTenantKey, tenantID])
            try db.execute(sql: "UPDATE secret SET wrapped = ? WHERE name = 'audit'", arguments: [legacyAuditKey])
            try db.execute(sql: "UPDATE secret SET wrapped = X'01' WHERE name = 'key_format'")
            try db.execute(sql: "UPDATE api_key SET secret_hash = ? WHERE id = ?", arguments: [sha, keyID])
            for (id, sealed) in rows {
                try db.execute(sql: "UPDATE template SET sealed = ? WHERE id = ?", arguments: [sealed, id])
            }
        }
        let eventsBefore = try await fixture.gallery.auditEvents(tenant: nil).count
        await fixture.gallery.close()

        let upgraded = try await fixture.reopen()
        #expect(try await upgraded.store.secret(named: KeyFormat.secretName) == Data([UInt8(KeyFormat.current)]))
        let signIn = try await upgraded.verify(
            tenant: "acme", subject: "alice", pack: Self.pack, vector: alice, threshold: 0.34)
        #expect(signIn.match)
        #expect(try await ConsistencyTests.best(upgraded, alice)?.subject == "alice")
        #expect(try await upgraded.authenticate(secret: issued.secret)?.id == issued.key.id)
        let events = try await upgraded.auditEvents(tenant: nil)
        #expect(events.count == eventsBefore + 3)  // the upgrade, the verification, the search
        #expect(events[eventsBefore].action == "keys.upgrade_format")
        #expect(events[eventsBefore].details.contains(#""templates":2"#))
        let verification = try await upgraded.verifyAudit()
        #expect(verification.isIntact)
        #expect(verification.head?.state == .current)

        await upgraded.close()
        // Opening again upgrades nothing more.
        let again = try await fixture.reopen()
        #expect(try await again.auditEvents(tenant: nil).count == eventsBefore + 3)
        await again.close()
    }

    @Test(
        "schema v5 records key format 1, which a fresh gallery brings to the current format",
        arguments: StoreKind.tested)
    func keyFormatMarker(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let store = try await harness.openStore()
            #expect(try await store.secret(named: KeyFormat.secretName) == Data([1]))
            let gallery = try await harness.openGallery()
            #expect(try await gallery.store.secret(named: KeyFormat.secretName) == Data([UInt8(KeyFormat.current)]))
            #expect(try await gallery.auditEvents(tenant: nil).isEmpty, "a fresh gallery has nothing to upgrade")
        }
    }
}
