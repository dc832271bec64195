import Foundation
import GRDB
import PostgresNIO
import Testing

@testable import Gallery

/// Gallery management on every store: subject pages, metadata, faces and their flags, one
/// face's erasure, the duplicate review, audit filters, and the v4 migration of metadata.
@Suite("Gallery management")
struct SubjectPagingTests {
    @Test(
        "subject pages: byte order, prefix, cursor, total; erased subjects are not listed",
        arguments: StoreKind.tested)
    func pages(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let gallery = try await harness.openGallery(requireConsent: false)
            let ids = ["b", "a", "a/b", "aa", "ab", "B", "é", "a\u{10FFFF}", "ac", "zz"]
            for id in ids { _ = try await gallery.createSubject(tenant: "acme", subject: id, metadata: nil) }
            _ = try await gallery.createSubject(tenant: "other", subject: "a1", metadata: nil)
            _ = try await gallery.enroll(
                EnrollmentRequest(
                    tenant: "acme", subject: "ab", pack: GalleryFixture.pack,
                    samples: [EnrollmentSample(vector: GalleryFixture.face(1), quality: nil)],
                    duplicateThreshold: 0.34))
            _ = try await gallery.grantConsent(
                tenant: "acme", subject: "ab", purpose: "kyc", textVersion: "v1", text: "Yes.", evidence: nil)
            _ = try await gallery.erase(tenant: "acme", subject: "zz")

            var listed: [String] = []
            var after: String? = nil
            repeat {
                let page = try await gallery.subjectPage(tenant: "acme", after: after, limit: 3)
                #expect(page.total == 9)
                #expect(page.subjects.count <= 3)
                listed += page.subjects.map(\.subject.externalID)
                after = page.next
            } while after != nil
            let expected = ids.filter { $0 != "zz" }.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            #expect(listed == expected)

            let prefixed = try await gallery.subjectPage(tenant: "acme", prefix: "a", limit: 100)
            #expect(prefixed.subjects.map(\.subject.externalID) == ["a", "a/b", "aa", "ab", "ac", "a\u{10FFFF}"])
            #expect(prefixed.total == 6 && prefixed.next == nil)
            let ab = try #require(prefixed.subjects.first { $0.subject.externalID == "ab" })
            #expect(ab.faces == 1 && ab.consents == ["kyc"])
            let second = try await gallery.subjectPage(tenant: "acme", prefix: "a", limit: 2)
            let rest = try await gallery.subjectPage(tenant: "acme", prefix: "a", after: second.next, limit: 100)
            #expect(
                (second.subjects + rest.subjects).map(\.subject.externalID)
                    == prefixed.subjects.map(\.subject.externalID))
            #expect(try await gallery.subjectPage(tenant: "acme", prefix: "q").total == 0)
            #expect(try await gallery.subjectPage(tenant: "other").subjects.map(\.subject.externalID) == ["a1"])

            for limit in [0, 1_001] {
                await #expect(throws: GalleryError.self) { try await gallery.subjectPage(tenant: "acme", limit: limit) }
            }
            await #expect(throws: GalleryError(.invalidArgument, "after is not a cursor from a previous page")) {
                try await gallery.subjectPage(tenant: "acme", after: "not a cursor!")
            }
            await #expect(throws: GalleryError.self) {
                try await gallery.subjectPage(tenant: "acme", prefix: String(repeating: "p", count: 129))
            }
        }
    }

    @Test(
        "metadata: a JSON object, canonical, replaced and cleared; too big, too deep or not an object refused",
        arguments: StoreKind.tested)
    func metadata(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let gallery = try await harness.openGallery()
            let metadata = try SubjectMetadata(json: #"{"z": 1, "a": {"b": [true, null, 2.5]}, "s": "x/y"}"#)
            #expect(metadata.json == #"{"a":{"b":[true,null,2.5]},"s":"x/y","z":1}"#)
            _ = try await gallery.createSubject(tenant: "acme", subject: "yao", metadata: metadata)
            #expect(try await gallery.details(tenant: "acme", subject: "yao").subject.metadata == metadata.json)
            let replaced = try SubjectMetadata(json: #"{"customer": 42}"#)
            _ = try await gallery.updateMetadata(tenant: "acme", subject: "yao", metadata: replaced)
            #expect(try await gallery.details(tenant: "acme", subject: "yao").subject.metadata == #"{"customer":42}"#)
            _ = try await gallery.updateMetadata(tenant: "acme", subject: "yao", metadata: nil)
            #expect(try await gallery.details(tenant: "acme", subject: "yao").subject.metadata == nil)
            await #expect(throws: GalleryError.self) {
                try await gallery.updateMetadata(tenant: "acme", subject: "nobody", metadata: nil)
            }
            #expect(try await gallery.auditEvents(tenant: "acme").filter { $0.action == "subject.update" }.count == 2)

            let deep = String(repeating: #"{"a":"#, count: 9) + "1" + String(repeating: "}", count: 9)
            let deepEnough = String(repeating: #"{"a":"#, count: 8) + "1" + String(repeating: "}", count: 8)
            #expect(throws: GalleryError.self) { try SubjectMetadata(json: deep) }
            #expect(try SubjectMetadata(json: deepEnough).json == deepEnough)
            let big = #"{"a":""# + String(repeating: "x", count: SubjectMetadata.maximumBytes) + #""}"#
            #expect(throws: GalleryError.self) { try SubjectMetadata(json: big) }
            for notObject in [#""text""#, "[1]", "42", "null", "{", ""] {
                #expect(throws: GalleryError.self) { try SubjectMetadata(json: notObject) }
            }
        }
    }

    @Test(
        "faces: flags raised under enroll_and_flag, one face erased with a subject erasure's guarantees",
        arguments: StoreKind.tested)
    func faces(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let gallery = try await harness.openGallery(requireConsent: false)
            let other = try await harness.openGallery(requireConsent: false)
            let face = GalleryFixture.face(1)
            func enroll(_ subject: String, _ vectors: [[Float]], _ policy: DuplicatePolicy) async throws
                -> EnrollmentResult
            {
                try await gallery.enroll(
                    EnrollmentRequest(
                        tenant: "acme", subject: subject, pack: GalleryFixture.pack,
                        samples: vectors.map { EnrollmentSample(vector: $0, quality: 0.8) }, duplicateThreshold: 0.34,
                        policy: policy))
            }
            _ = try await enroll("alice", [face], .reject)
            let twin = try await enroll(
                "twin", [GalleryFixture.face(2, near: face, noise: 0.3), GalleryFixture.face(3)], .enrollAndFlag)
            #expect(twin.status == .flagged && twin.templateIDs.count == 2)
            let faces = try await gallery.faces(tenant: "acme", subject: "twin")
            #expect(faces.map(\.id) == twin.templateIDs)
            #expect(faces.allSatisfy { $0.flags.first?.code == .possibleDuplicate })
            #expect(faces.first?.flags.first?.duplicates.map(\.subject) == ["alice"])
            #expect(try await gallery.faces(tenant: "acme", subject: "alice").allSatisfy { $0.flags.isEmpty })

            // The review list, paged by face; resolving takes a face off it.
            let review = try await gallery.duplicateReview(tenant: "acme", limit: 1)
            #expect(review.flags.map(\.templateID) == [twin.templateIDs[0]] && review.next == twin.templateIDs[0])
            let next = try await gallery.duplicateReview(tenant: "acme", after: review.next!, limit: 1)
            #expect(next.flags.map(\.templateID) == [twin.templateIDs[1]] && next.next == nil)
            #expect(try await gallery.duplicateReview(tenant: "other").flags.isEmpty)
            let resolved = try await gallery.resolveDuplicate(
                tenant: "acme", face: twin.templateIDs[1], resolution: .distinct)
            #expect(resolved.resolution == .distinct && resolved.reviewedAt != nil && resolved.subject == "twin")
            await #expect(throws: GalleryError.self) {
                try await gallery.resolveDuplicate(tenant: "acme", face: twin.templateIDs[1], resolution: .distinct)
            }
            await #expect(throws: GalleryError.self) {
                try await gallery.resolveDuplicate(tenant: "other", face: twin.templateIDs[0], resolution: .samePerson)
            }
            #expect(try await gallery.duplicateReview(tenant: "acme").flags.map(\.templateID) == [twin.templateIDs[0]])
            let reviewed = try await gallery.faces(tenant: "acme", subject: "twin")[1].flags
            #expect(reviewed.first?.resolution == .distinct)

            // A face of another subject or tenant is not found, and nothing is erased.
            await #expect(throws: GalleryError.self) {
                try await gallery.eraseFace(tenant: "acme", subject: "alice", face: twin.templateIDs[0])
            }
            await #expect(throws: GalleryError.self) {
                try await gallery.eraseFace(tenant: "other", subject: "twin", face: twin.templateIDs[0])
            }
            #expect(try await gallery.faces(tenant: "acme", subject: "twin").count == 2)
            // Warm the other process's index, then erase through the first: the other never
            // answers with the erased face again.
            let probe = GalleryFixture.face(2, near: face, noise: 0.3)
            #expect(
                try await other.search(tenant: "acme", pack: GalleryFixture.pack, vector: probe, k: 5, threshold: 0.5)
                    .contains { $0.subject == "twin" && $0.match })
            let receipt = try await gallery.eraseFace(tenant: "acme", subject: "twin", face: twin.templateIDs[0])
            #expect(receipt.templatesDeleted == 1 && receipt.face == twin.templateIDs[0])
            if kind == .sqlite { #expect(receipt.purged) }
            let hits = try await other.search(
                tenant: "acme", pack: GalleryFixture.pack, vector: probe, k: 5, threshold: 0.5)
            #expect(!hits.contains { $0.subject == "twin" && $0.match }, "only twin's other, unrelated face is left")
            #expect(try await gallery.faces(tenant: "acme", subject: "twin").map(\.id) == [twin.templateIDs[1]])
            #expect(try await gallery.duplicateReview(tenant: "acme").flags.isEmpty, "an erased face leaves the list")
            let match = try await other.indexMatchesStore(tenant: "acme", pack: GalleryFixture.pack)
            #expect(match.matches && match.store == 2)
            // Erasing the last face leaves the subject.
            _ = try await gallery.eraseFace(tenant: "acme", subject: "twin", face: twin.templateIDs[1])
            let left = try await gallery.details(tenant: "acme", subject: "twin")
            #expect(left.subject.erasedAt == nil && left.templates.isEmpty)
            let event = try #require(try await gallery.auditEvents(tenant: "acme").last)
            #expect(event.action == "face.erase" && event.subject == "twin")
            #expect(event.details == #"{"face":\#(twin.templateIDs[1]),"reason":"request"}"#)
            // Purged in the end on either store.
            let status = await gallery.purgeStatus()
            #expect(status.lastError == nil)
            #expect(try await gallery.verifyAudit().isIntact)
        }
    }

    @Test("audit filters by subject, action and time in the query: a full page of matches", arguments: StoreKind.tested)
    func auditFilters(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let gallery = try await harness.openGallery(requireConsent: false)
            for index in 0..<30 {
                _ = try await gallery.createSubject(tenant: "acme", subject: "s\(index)", metadata: nil)
            }
            try await Task.sleep(for: .milliseconds(5))
            let middle = Date()
            try await Task.sleep(for: .milliseconds(5))
            _ = try await gallery.createSubject(tenant: "acme", subject: "yao", metadata: nil)
            _ = try await gallery.updateMetadata(tenant: "acme", subject: "yao", metadata: nil)
            _ = try await gallery.erase(tenant: "acme", subject: "yao")
            _ = try await gallery.createSubject(tenant: "other", subject: "yao", metadata: nil)

            let yao = try await gallery.auditEvents(tenant: "acme", filter: AuditFilter(subject: "yao"), limit: 2)
            #expect(yao.map(\.action) == ["subject.create", "subject.update"], "the limit counts matches only")
            let actions = try await gallery.auditEvents(
                tenant: "acme", filter: AuditFilter(actions: ["erase", "subject.update"]))
            #expect(actions.map(\.action) == ["subject.update", "erase"])
            let late = try await gallery.auditEvents(tenant: "acme", filter: AuditFilter(since: middle))
            #expect(late.map(\.subject) == ["yao", "yao", "yao"])
            let early = try await gallery.auditEvents(tenant: "acme", filter: AuditFilter(until: middle))
            #expect(early.count == 30)
            let none = try await gallery.auditEvents(
                tenant: "acme", filter: AuditFilter(subject: "yao", since: Date().addingTimeInterval(60)))
            #expect(none.isEmpty)
            let after = try await gallery.auditEvents(
                tenant: "acme", filter: AuditFilter(subject: "yao"), afterSequence: yao[0].sequence)
            #expect(after.map(\.action) == ["subject.update", "erase"])
        }
    }

    @Test(
        "the v4 migration turns plain-text metadata into {\"note\": …} and keeps objects", arguments: StoreKind.tested)
    func migration(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let rows: [(String, String)] = [
                ("plain", "customer 42"), ("object", #"{"b": 1, "a": "x"}"#), ("array", "[1, 2]"),
            ]
            switch kind {
            case .sqlite:
                try FileManager.default.createDirectory(at: harness.directory, withIntermediateDirectories: true)
                let pool = try DatabasePool(path: harness.directory.appendingPathComponent("gallery.sqlite").path)
                try SQLiteStore.migrator.migrate(pool, upTo: "v3")
                try await pool.write { db in
                    try db.execute(sql: "INSERT INTO tenant (name, wrapped_key, created_at) VALUES ('acme', x'00', 0)")
                    for (id, metadata) in rows {
                        try db.execute(
                            sql:
                                "INSERT INTO subject (tenant_id, external_id, metadata, created_at) VALUES (1, ?, ?, 0)",
                            arguments: [id, metadata])
                    }
                }
                try pool.close()
            case .postgres:
                let location = try PostgresLocation(url: try #require(harness.databaseURL))
                try await StoreHarness.withAdmin(location) { connection in
                    try await connection.query(
                        "CREATE TABLE schema_migration (version TEXT PRIMARY KEY)", logger: StoreHarness.logger)
                    for migration in PostgresStore.migrations.prefix(3) {
                        for statement in migration.statements {
                            try await connection.query(statement, logger: StoreHarness.logger)
                        }
                        try await connection.query(
                            "INSERT INTO schema_migration (version) VALUES (\(migration.version))",
                            logger: StoreHarness.logger)
                    }
                    try await connection.query(
                        "INSERT INTO tenant (name, wrapped_key, created_at) VALUES ('acme', '\\x00', 0)",
                        logger: StoreHarness.logger)
                    for (id, metadata) in rows {
                        try await connection.query(
                            """
                            INSERT INTO subject (tenant_id, external_id, metadata, created_at)
                            SELECT id, \(id), \(metadata), 0 FROM tenant
                            """, logger: StoreHarness.logger)
                    }
                }
            }
            let store = try await harness.openStore()
            let tenant = try #require(try await store.tenant(named: "acme"))
            var migrated: [String: String] = [:]
            for (id, _) in rows {
                let subject = try #require(try await store.subject(tenantID: tenant.id, externalID: id))
                migrated[id] = subject.metadata
                #expect(subject.consentRequired)
            }
            #expect(migrated["plain"] == #"{"note":"customer 42"}"#)
            #expect(migrated["object"] == #"{"a":"x","b":1}"#)
            #expect(migrated["array"] == #"{"note":"[1, 2]"}"#)
        }
    }
}
