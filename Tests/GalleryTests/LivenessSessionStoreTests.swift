import Foundation
import Testing

@testable import Gallery

/// The liveness session primitives, on every store, with two store instances on one database
/// standing in for two nodes (or two processes on one SQLite file).
@Suite("Liveness session store")
struct LivenessSessionStoreTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func session(
        _ tenant: String = "acme", at created: Date = start, lifetime: TimeInterval = 90, subject: String? = nil
    ) -> LivenessSessionRecord {
        LivenessSessionRecord(
            id: "ls_" + UUID().uuidString.lowercased(), tenant: tenant,
            challenge: #"{"actions":["blink","turn_left"]}"#,
            subject: subject, captureTokenHash: Contract.bytes(7, count: 32), createdAt: created,
            expiresAt: created.addingTimeInterval(lifetime))
    }

    @Test("created on one store, read, consumed and finished on another; used once", arguments: StoreKind.tested)
    func acrossStores(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let first = try await harness.openStore()
            let second = try await harness.openStore()
            let session = Self.session(subject: "alice")
            #expect(try await first.insertLivenessSession(session, capacityPerTenant: 10))
            #expect(try await second.livenessSession(id: session.id) == session)
            #expect(try await second.livenessSession(id: "ls_missing") == nil)

            // Only an analysing session finishes.
            #expect(
                try await !first.finishLivenessSession(
                    id: session.id, state: .completed, outcome: "{}", now: Self.start))
            let now = Self.start.addingTimeInterval(10)
            #expect(try await second.consumeLivenessSession(id: session.id, now: now))
            #expect(try await !first.consumeLivenessSession(id: session.id, now: now))
            #expect(try await !second.consumeLivenessSession(id: session.id, now: now))
            let taken = try #require(try await first.livenessSession(id: session.id))
            #expect(taken.state == .analysing && taken.updatedAt == now && taken.outcome == nil)

            let done = now.addingTimeInterval(2)
            #expect(
                try await first.finishLivenessSession(
                    id: session.id, state: .completed, outcome: #"{"result":{"live":true}}"#, now: done))
            #expect(
                try await !second.finishLivenessSession(
                    id: session.id, state: .failed, outcome: #"{"error":"x"}"#, now: done))
            let finished = try #require(try await second.livenessSession(id: session.id))
            #expect(finished.state == .completed && finished.outcome == #"{"result":{"live":true}}"#)
            #expect(finished.updatedAt == done && finished.createdAt == session.createdAt)
            #expect(finished.subject == "alice" && finished.captureTokenHash == session.captureTokenHash)

            await #expect(throws: GalleryError.self) {
                try await first.finishLivenessSession(id: session.id, state: .pending, outcome: nil, now: done)
            }
            #expect(try await !first.consumeLivenessSession(id: "ls_missing", now: now))
        }
    }

    @Test("an expired session cannot be taken, up to its expiry it can", arguments: StoreKind.tested)
    func expiry(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let store = try await harness.openStore()
            let late = Self.session()
            let onTime = Self.session()
            #expect(try await store.insertLivenessSession(late, capacityPerTenant: 10))
            #expect(try await store.insertLivenessSession(onTime, capacityPerTenant: 10))
            #expect(try await !store.consumeLivenessSession(id: late.id, now: late.expiresAt.addingTimeInterval(0.001)))
            #expect(try await store.livenessSession(id: late.id)?.state == .pending)
            #expect(try await store.consumeLivenessSession(id: onTime.id, now: onTime.expiresAt))
        }
    }

    @Test("of many concurrent takers on two stores, exactly one wins", arguments: StoreKind.tested)
    func concurrentConsume(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let stores = [try await harness.openStore(), try await harness.openStore()]
            for _ in 0..<3 {
                let session = Self.session()
                #expect(try await stores[0].insertLivenessSession(session, capacityPerTenant: 10))
                let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
                    for taker in 0..<16 {
                        let store = stores[taker % 2]
                        group.addTask {
                            try await store.consumeLivenessSession(
                                id: session.id, now: Self.start.addingTimeInterval(1))
                        }
                    }
                    return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
                }
                #expect(wins == 1)
            }
        }
    }

    @Test(
        "capacity is per tenant and counts only pending, unexpired sessions; nothing is written past it",
        arguments: StoreKind.tested)
    func capacity(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let first = try await harness.openStore()
            let second = try await harness.openStore()
            var globex: [LivenessSessionRecord] = []
            for index in 0..<3 {
                let session = Self.session("globex")
                let store = index.isMultiple(of: 2) ? first : second
                #expect(try await store.insertLivenessSession(session, capacityPerTenant: 3))
                globex.append(session)
            }
            let refused = Self.session("globex")
            #expect(try await !second.insertLivenessSession(refused, capacityPerTenant: 3))
            #expect(try await first.livenessSession(id: refused.id) == nil)
            // Another tenant is not held up by globex's full quota.
            for _ in 0..<3 {
                #expect(try await second.insertLivenessSession(Self.session("acme"), capacityPerTenant: 3))
            }
            // A taken session frees its place.
            #expect(try await first.consumeLivenessSession(id: globex[0].id, now: Self.start))
            #expect(try await second.insertLivenessSession(Self.session("globex"), capacityPerTenant: 3))
            #expect(try await !first.insertLivenessSession(Self.session("globex"), capacityPerTenant: 3))
            // So do expired ones, counted at the new session's creation time.
            let later = Self.start.addingTimeInterval(91)
            #expect(try await first.insertLivenessSession(Self.session("globex", at: later), capacityPerTenant: 3))
        }
    }

    @Test("concurrent creations on two stores never overshoot a tenant's capacity", arguments: StoreKind.tested)
    func concurrentCapacity(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let stores = [try await harness.openStore(), try await harness.openStore()]
            let created = try await withThrowingTaskGroup(of: Bool.self) { group in
                for creator in 0..<12 {
                    let store = stores[creator % 2]
                    group.addTask { try await store.insertLivenessSession(Self.session(), capacityPerTenant: 5) }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(created == 5)
        }
    }

    @Test("a sweep deletes the sessions, in any state, that expired before the cutoff", arguments: StoreKind.tested)
    func sweep(kind: StoreKind) async throws {
        try await StoreHarness.with(kind) { harness in
            let first = try await harness.openStore()
            let second = try await harness.openStore()
            let old = Self.session(lifetime: 10)
            let oldFinished = Self.session(lifetime: 20)
            let current = Self.session(lifetime: 100)
            for session in [old, oldFinished, current] {
                #expect(try await first.insertLivenessSession(session, capacityPerTenant: 10))
            }
            #expect(try await first.consumeLivenessSession(id: oldFinished.id, now: Self.start))
            #expect(
                try await first.finishLivenessSession(
                    id: oldFinished.id, state: .failed, outcome: #"{"error":"video_unreadable"}"#, now: Self.start))

            let cutoff = Self.start.addingTimeInterval(50)
            #expect(try await second.sweepLivenessSessions(expiredBefore: cutoff) == 2)
            #expect(try await first.livenessSession(id: old.id) == nil)
            #expect(try await first.livenessSession(id: oldFinished.id) == nil)
            #expect(try await first.livenessSession(id: current.id) == current)
            #expect(try await first.sweepLivenessSessions(expiredBefore: cutoff) == 0)
            // A session that expires exactly at the cutoff is kept.
            #expect(try await first.sweepLivenessSessions(expiredBefore: current.expiresAt) == 0)
            #expect(try await first.sweepLivenessSessions(expiredBefore: current.expiresAt.addingTimeInterval(1)) == 1)
        }
    }
}
