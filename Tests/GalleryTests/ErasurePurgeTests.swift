import Foundation
import GRDB
import Logging
import PostgresNIO
import Testing

@testable import Gallery

/// `purgeErased` on both stores, checked on the bytes of the files, and the background purger.
///
/// The PostgreSQL cases read the server's files, so they need the server on this machine (as
/// `make test`'s throwaway cluster is) and a superuser (CHECKPOINT, pageinspect).
@Suite("Erasure purge")
struct ErasurePurgeTests {
    // MARK: Stores

    @Test(
        "purgeErased leaves no copy of an erased template in the files and records purged_at",
        arguments: StoreKind.tested)
    func purgeRemovesBytes(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let store = try await harness.openStore()
            let layout = try await Purge.storeLayout(store)
            let files = try await Purge.files(of: store, harness: harness)
            // Every window is in the files before (on PostgreSQL but the one across the two TOAST
            // chunks, which are separate tuples).
            let windows = Purge.windows(of: layout.victim)
            let split = kind == .postgres ? 1 : 0
            #expect(Purge.windowsFound(layout.victim, in: try await files()) == windows - split, "the check can fail")

            let erasedAt = try await Purge.erase(store, layout.victimSubject)
            let before = try #require(try await store.subject(tenantID: layout.tenantID, externalID: "victim"))
            #expect(before.erasedAt != nil && before.purgedAt == nil)

            #expect(try await store.purgeErased())
            let after = try #require(try await store.subject(tenantID: layout.tenantID, externalID: "victim"))
            let purgedAt = try #require(after.purgedAt)
            #expect(purgedAt >= erasedAt && purgedAt <= Date().addingTimeInterval(1))
            #expect(try await store.subject(tenantID: layout.tenantID, externalID: "live0")?.purgedAt == nil)

            let bytes = try await files()
            #expect(Purge.blobsFound(layout.live, in: bytes) == layout.live.count, "live templates are kept")
            let remaining = Purge.windowsFound(layout.victim, in: bytes)
            switch kind {
            case .sqlite:
                #expect(remaining == 0)
            case .postgres:
                // The dead versions are gone from every page (VACUUM removed them)…
                let store = try #require(store as? PostgresStore)
                let chunks = try await Purge.toastChunks(store)
                #expect(chunks.count == 2 * layout.live.count, "two chunks per live template")
                #expect(chunks.allSatisfy { layout.victim.range(of: $0) == nil })
                // …but PostgreSQL does not overwrite the space they leave: the bytes stay in the
                // TOAST page until new rows are written there (see PostgresStore.purgeErased).
                // The measured limit, kept as a fact: if it ever changes, docs/gallery.md must too.
                #expect(remaining > 0, "plain VACUUM now overwrites freed space: update docs/gallery.md")
                // The maintenance task rewrites the files, and then no window is left.
                try await store.compact()
                let compacted = Purge.windowsFound(layout.victim, in: try await files())
                #expect(compacted == 0, "\(compacted) of \(windows) 16-byte windows left after VACUUM FULL")
                #expect(Purge.blobsFound(layout.live, in: try await files()) == layout.live.count)
            }
            // A second purge has nothing left to do.
            #expect(try await store.purgeErased())
            #expect(try await store.subject(tenantID: layout.tenantID, externalID: "victim")?.purgedAt == purgedAt)
        }
    }

    @Test("SQLite: a purge while a reader holds an older snapshot returns false and marks nothing")
    func sqliteReaderBlocksPurge() async throws {
        try await StoreHarness.with(.sqlite) { harness in
            let store = try #require(try await harness.openStore() as? SQLiteStore)
            let layout = try await Purge.storeLayout(store)
            let files = try await Purge.files(of: store, harness: harness)
            var configuration = Configuration()
            configuration.allowsUnsafeTransactions = true
            let reader = try DatabaseQueue(path: store.path, configuration: configuration)
            // Another connection's read transaction, begun before the erasure: its snapshot
            // still has the template.
            let seen = try await reader.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
            #expect(seen == 1)
            try await reader.writeWithoutTransaction { db in
                try db.execute(sql: "BEGIN DEFERRED")
                _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM template")
            }
            _ = try await Purge.erase(store, layout.victimSubject)

            let started = ContinuousClock.now
            #expect(try await store.purgeErased() == false)
            #expect(ContinuousClock.now - started < .seconds(5), "the checkpoint does not wait out the busy timeout")
            #expect(try await store.subject(tenantID: layout.tenantID, externalID: "victim")?.purgedAt == nil)
            // Writers are not stopped meanwhile.
            _ = try await Contract.subject(store, tenantID: layout.tenantID, "newcomer")

            try await reader.writeWithoutTransaction { db in try db.execute(sql: "COMMIT") }
            try await reader.close()
            #expect(try await store.purgeErased())
            #expect(try await store.subject(tenantID: layout.tenantID, externalID: "victim")?.purgedAt != nil)
            #expect(Purge.windowsFound(layout.victim, in: try await files()) == 0)
        }
    }

    @Test(
        "PostgreSQL: a purge while a snapshot older than the erasure is open returns false and marks nothing",
        StoreHarness.needsPostgres)
    func postgresSnapshotBlocksPurge() async throws {
        try await StoreHarness.with(.postgres) { harness in
            let store = try await harness.openStore()
            let layout = try await Purge.storeLayout(store, live: 3)
            let location = try PostgresLocation(url: try #require(await harness.databaseURL))
            let reader = try await PostgresConnection.connect(
                configuration: .init(
                    host: location.host, port: location.port, username: location.username,
                    password: location.password, database: location.database, tls: .disable),
                id: 2, logger: StoreHarness.logger)
            // A report's transaction: its snapshot, taken before the erasure, still sees the rows.
            _ = try await reader.query("BEGIN ISOLATION LEVEL REPEATABLE READ", logger: StoreHarness.logger).collect()
            _ = try await reader.query("SELECT count(*) FROM template", logger: StoreHarness.logger).collect()
            _ = try await Purge.erase(store, layout.victimSubject)

            #expect(try await store.purgeErased() == false)
            #expect(try await store.subject(tenantID: layout.tenantID, externalID: "victim")?.purgedAt == nil)
            _ = try await Contract.subject(store, tenantID: layout.tenantID, "newcomer")  // writers go on

            _ = try await reader.query("COMMIT", logger: StoreHarness.logger).collect()
            try await reader.close()
            #expect(try await store.purgeErased())
            #expect(try await store.subject(tenantID: layout.tenantID, externalID: "victim")?.purgedAt != nil)
        }
    }

    @Test("SQLite: after purging, the WAL is empty and the -shm holds no template bytes")
    func sqliteFilesAfterPurge() async throws {
        try await StoreHarness.with(.sqlite) { harness in
            let store = try #require(try await harness.openStore() as? SQLiteStore)
            let layout = try await Purge.storeLayout(store, live: 60)
            _ = try await Purge.erase(store, layout.victimSubject)
            #expect(try await store.purgeErased())
            // A 2,076-byte template fills a 4 KiB page of its own, so its page went to the
            // freelist: secure_delete zeroed the whole page, not only the cell.
            let freePages = try await store.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA freelist_count") }
            #expect((freePages ?? 0) >= 1)
            let wal = FileManager.default.contents(atPath: store.path + "-wal") ?? Data()
            let shm = FileManager.default.contents(atPath: store.path + "-shm") ?? Data()
            #expect(wal.count < 8 * (4096 + 24) + 32, "only the purge's own update is in the log")
            #expect(Purge.windowsFound(layout.victim, in: ["shm": shm]) == 0)
            let files = try await Purge.files(of: store, harness: harness)
            #expect(Purge.windowsFound(layout.victim, in: try await files()) == 0)
            #expect(Purge.blobsFound(layout.live, in: try await files()) == layout.live.count)
        }
    }

    @Test("the purger purges a real store in the background", arguments: StoreKind.tested)
    func purgerOnStore(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let store = try await harness.openStore()
            let layout = try await Purge.storeLayout(store, live: 3)
            _ = try await Purge.erase(store, layout.victimSubject)
            let purger = ErasurePurger(store: store, logger: Purge.logger, initialBackoff: .milliseconds(20))
            await purger.request()
            #expect(await purger.waitUntilIdle(timeout: .seconds(60)))
            #expect(try await store.subject(tenantID: layout.tenantID, externalID: "victim")?.purgedAt != nil)
            let status = await purger.status
            #expect(status.lastSuccess != nil && status.lastError == nil && !status.pending)
            await purger.shutdown()
        }
    }

    // MARK: Purger

    @Test("requests during a run are covered by exactly one more run")
    func coalesces() async throws {
        let counter = Counter()
        let gate = Gate()
        let purger = ErasurePurger(logger: Purge.logger) {
            await counter.increment()
            await gate.wait()
            return true
        }
        await purger.request()
        await counter.waitFor(1)
        for _ in 0..<50 { await purger.request() }
        let during = await purger.status
        #expect(during.running && during.pending)
        await gate.open()
        await purger.waitUntilIdle()
        #expect(await counter.value == 2)

        // A burst while idle: one run, perhaps two, never one per request.
        for _ in 0..<50 { await purger.request() }
        await purger.waitUntilIdle()
        let runs = await counter.value
        #expect((3...4).contains(runs))
        let status = await purger.status
        #expect(status.runs == runs && !status.pending && !status.running)
        await purger.shutdown()
    }

    @Test("failures and unfinished purges are retried with growing delays, never thrown to the requester")
    func retries() async throws {
        let counter = Counter()
        let purger = ErasurePurger(logger: Purge.logger, initialBackoff: .milliseconds(40)) {
            let run = await counter.increment()
            if run <= 2 { throw GalleryError(.storeFailure, "server gone") }
            return run > 3  // the third run finds a reader in the way
        }
        let started = ContinuousClock.now
        await purger.request()
        // Generous: a loaded 2-core machine can starve the cooperative pool for a while.
        #expect(await purger.waitUntilIdle(timeout: .seconds(150)))
        #expect(await counter.value == 4)
        // 40 + 80 + 160 ms between the four runs.
        #expect(ContinuousClock.now - started >= .milliseconds(280))
        let status = await purger.status
        #expect(status.lastError == nil && status.lastSuccess != nil && status.consecutiveFailures == 0)
        await purger.shutdown()
    }

    @Test("status shows the last error while retrying; a bounded wait gives up; shutdown stops the retries")
    func failingStatus() async throws {
        let counter = Counter()
        let purger = ErasurePurger(
            logger: Purge.logger, initialBackoff: .milliseconds(10), maximumBackoff: .milliseconds(30)
        ) {
            await counter.increment()
            throw GalleryError(.storeFailure, "permission denied")
        }
        await purger.request()
        #expect(await purger.waitUntilIdle(timeout: .milliseconds(300)) == false)
        // Retries go on (the delays are capped at 30 ms); a loaded machine may need a while.
        let deadline = ContinuousClock.now + .seconds(150)
        while await purger.status.consecutiveFailures < 3, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let status = await purger.status
        #expect(status.lastError == "permission denied" && status.pending && status.lastSuccess == nil)
        #expect(status.consecutiveFailures >= 3, "delays are capped at 30 ms")
        await purger.shutdown()
        let runs = await counter.value
        try await Task.sleep(for: .milliseconds(100))
        #expect(await counter.value == runs)
        await purger.request()
        #expect(await purger.isIdle)
        #expect(await counter.value == runs)
    }

    @Test("purgeNow returns the outcome and schedules a background retry when it is not complete")
    func purgeNow() async throws {
        let counter = Counter()
        let purger = ErasurePurger(logger: Purge.logger, initialBackoff: .milliseconds(10)) {
            let run = await counter.increment()
            if run == 1 { throw GalleryError(.storeFailure, "busy") }
            return run >= 3
        }
        await #expect(throws: GalleryError.self) { try await purger.purgeNow() }
        #expect(await purger.status.pending)
        #expect(await purger.waitUntilIdle(timeout: .seconds(10)))
        #expect(await counter.value == 3)
        #expect(try await purger.purgeNow())
        #expect(await counter.value == 4)
        #expect(await purger.isIdle)
        await purger.shutdown()
    }
}

/// Fixtures of these tests.
enum Purge {
    static let logger: Logger = {
        var logger = Logger(label: "likeness.tests.purge")
        logger.logLevel = .error
        return logger
    }()

    /// The size of a sealed 512-dimension template (12-byte nonce, 2,048 bytes, 16-byte tag).
    static let sealedSize = 2_076

    static func sealed() -> Data {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<sealedSize).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    struct Layout {
        var tenantID: Int64
        var victimSubject: Int64
        var victim: Data
        var live: [Data]
    }

    /// Live subjects around one to be erased, one template each, as enrolments would leave
    /// them: the victim's bytes share pages with live ones (on PostgreSQL, the third of a TOAST
    /// page's three templates, which no live row moves over when the page is compacted).
    static func storeLayout(_ store: any GalleryStore, live: Int = 8) async throws -> Layout {
        let tenant = try await Contract.tenant(store, "acme", key: Contract.bytes(1))
        var layout = Layout(tenantID: tenant.id, victimSubject: 0, victim: Data(), live: [])
        for index in 0..<(live + 1) {
            let name = index == 2 ? "victim" : "live\(index)"
            let subject = try await Contract.subject(store, tenantID: tenant.id, name)
            let bytes = sealed()
            _ = try await Contract.addTemplates(
                store, [NewTemplate(pack: "pack-1", sealed: bytes, quality: 0.9, keyVersion: 1)],
                subjectID: subject.id, audit: Contract.draft("enroll", subject: name))
            if index == 2 {
                layout.victimSubject = subject.id
                layout.victim = bytes
            } else {
                layout.live.append(bytes)
            }
        }
        return layout
    }

    /// Deletes the subject's templates and marks it erased, in one transaction, as erasure does.
    static func erase(_ store: any GalleryStore, _ subjectID: Int64) async throws -> Date {
        try await store.transaction { transaction in
            let now = Date()
            let removed = try await transaction.deleteTemplates(subjectID: subjectID)
            #expect(removed.count == 1)
            try await transaction.updateSubject(subjectID, erasedAt: now, metadata: nil)
            _ = try await transaction.appendAudit(Contract.draft("erase"), signer: Contract.signer)
            return Date(storeMilliseconds: now.storeMilliseconds)
        }
    }

    /// A reader of the store's files, as someone with access to the disk would read them: for
    /// SQLite the database, its WAL and its shared-memory file; for PostgreSQL every fork and
    /// segment of the template table and of its TOAST table, after a CHECKPOINT.
    static func files(of store: any GalleryStore, harness: StoreHarness) async throws
        -> @Sendable () async throws -> [String: Data]
    {
        switch store {
        case let store as SQLiteStore:
            let path = store.path
            return {
                var files: [String: Data] = [:]
                for suffix in ["", "-wal", "-shm"] {
                    files[path + suffix] = FileManager.default.contents(atPath: path + suffix) ?? Data()
                }
                return files
            }
        case let store as PostgresStore:
            return {
                _ = try await store.rows("checkpoint", "CHECKPOINT")
                let row = try #require(
                    try await store.rows(
                        "locating the table files",
                        """
                        SELECT current_setting('data_directory') AS directory,
                            pg_relation_filepath(c.oid) AS heap, pg_relation_filepath(c.reltoastrelid) AS toast
                        FROM pg_class c WHERE c.oid = 'template'::regclass
                        """
                    ).first)
                let directory = URL(fileURLWithPath: try row.value("directory", as: String.self))
                try #require(
                    FileManager.default.fileExists(atPath: directory.path),
                    "the PostgreSQL server's data directory must be on this machine")
                var files: [String: Data] = [:]
                for relation in [try row.value("heap", as: String.self), try row.value("toast", as: String.self)] {
                    let base = directory.appendingPathComponent(relation)
                    let folder = base.deletingLastPathComponent()
                    let name = base.lastPathComponent
                    for file in try FileManager.default.contentsOfDirectory(atPath: folder.path)
                    where file == name || file.hasPrefix(name + ".") || file.hasPrefix(name + "_") {
                        let path = folder.appendingPathComponent(file).path
                        files[path] = FileManager.default.contents(atPath: path) ?? Data()
                    }
                }
                return files
            }
        default:
            throw GalleryError(.storeFailure, "no files for \(type(of: store))")
        }
    }

    /// The blob's 16-byte windows, one starting every 16 bytes.
    static func windows(of blob: Data) -> Int { Array(stride(from: 0, to: blob.count - 16, by: 16)).count }

    /// How many of the blob's 16-byte windows occur in at least one of `files`.
    static func windowsFound(_ blob: Data, in files: [String: Data]) -> Int {
        stride(from: 0, to: blob.count - 16, by: 16).filter { start in
            let window = blob[(blob.startIndex + start)..<(blob.startIndex + start + 16)]
            return files.values.contains { $0.range(of: window) != nil }
        }.count
    }

    /// How many of `blobs` are whole in one of `files` (a stored template is one run of bytes
    /// in both stores: within a page in SQLite, and two TOAST chunks in PostgreSQL, so the test
    /// looks for its first and last 32 bytes).
    static func blobsFound(_ blobs: [Data], in files: [String: Data]) -> Int {
        blobs.filter { blob in
            files.values.contains { $0.range(of: blob.prefix(32)) != nil }
                && files.values.contains { $0.range(of: blob.suffix(32)) != nil }
        }.count
    }

    /// The data of every tuple on every page of the TOAST table, live or dead (pageinspect):
    /// what VACUUM has not removed.
    static func toastChunks(_ store: PostgresStore) async throws -> [Data] {
        _ = try await store.rows("pageinspect", "CREATE EXTENSION IF NOT EXISTS pageinspect")
        let toast = try #require(
            try await store.rows(
                "naming the TOAST table",
                "SELECT reltoastrelid::regclass::text AS name FROM pg_class WHERE oid = 'template'::regclass"
            ).first
        ).value("name", as: String.self)
        let pages = try #require(
            try await store.rows(
                "sizing the TOAST table",
                "SELECT (pg_relation_size(\(toast)::regclass) / current_setting('block_size')::int)::int AS n"
            ).first
        ).value("n", as: Int.self)
        var chunks: [Data] = []
        for page in 0..<pages {
            let rows = try await store.rows(
                "reading TOAST page \(page)",
                """
                SELECT t_data FROM heap_page_items(get_raw_page(\(toast), \(page)))
                WHERE t_data IS NOT NULL
                """)
            for row in rows {
                // The chunk's data, after its chunk_id, chunk_seq and 4-byte length.
                let tuple = try row.value("t_data", as: Data.self)
                if tuple.count > 12 + 16 { chunks.append(tuple.dropFirst(12).prefix(16)) }
            }
        }
        return chunks
    }
}

/// Counts runs, and lets a test wait for a count.
private actor Counter {
    private(set) var value = 0
    private var waiters: [(Int, CheckedContinuation<Void, Never>)] = []

    @discardableResult
    func increment() -> Int {
        value += 1
        let ready = waiters.filter { $0.0 <= value }
        waiters.removeAll { $0.0 <= value }
        for (_, waiter) in ready { waiter.resume() }
        return value
    }

    func waitFor(_ count: Int) async {
        if value >= count { return }
        await withCheckedContinuation { waiters.append((count, $0)) }
    }
}

/// Holds runs until opened.
private actor Gate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func open() {
        isOpen = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }
}
