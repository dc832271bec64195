import VectorIndex
import Foundation

/// The in-memory 1:N index of one tenant and model pack, mapping templates to subjects.
///
/// Exact SIMD search while the gallery is small; above `approximateAbove` templates, the scan
/// index (quantisers trained on the templates present when it is built).
///
/// `@unchecked Sendable` is safe because every access to the mutable storage and owners goes
/// through `lock`: searches share it, changes take it alone. Searches therefore run off the
/// gallery actor, in parallel, while the actor applies changes between them.
final class TemplateIndex: @unchecked Sendable {
    /// Who a template belongs to.
    struct Owner: Sendable, Equatable {
        var subjectID: Int64
        var externalID: String
    }

    private enum Storage {
        case exact(ExactIndex)
        case approximate(ScanIndex)
    }

    let dimension: Int
    let approximateAbove: Int
    let candidates: Int
    let threads: Int
    private let lock = ReadWriteLock()
    private var storage: Storage
    private var owners: [Int64: Owner] = [:]
    /// Each subject's templates in this index, so an erasure removes them without a scan.
    private var templatesBySubject: [Int64: Set<Int64>] = [:]

    init(dimension: Int, approximateAbove: Int, candidates: Int, threads: Int) {
        self.threads = threads
        self.dimension = dimension
        self.approximateAbove = max(approximateAbove, 1_000)  // the quantisers need a sample to learn from
        self.candidates = candidates
        storage = .exact(ExactIndex(dimension: dimension))
    }

    var count: Int { lock.withReadLock { owners.count } }
    var isApproximate: Bool {
        lock.withReadLock {
            if case .approximate = storage { return true }
            return false
        }
    }

    var ids: Set<Int64> { lock.withReadLock { Set(owners.keys) } }

    func contains(_ id: Int64) -> Bool { lock.withReadLock { owners[id] != nil } }

    func owner(of id: Int64) -> Owner? { lock.withReadLock { owners[id] } }

    /// The ids of a subject's templates in this index.
    func templates(of subjectID: Int64) -> [Int64] {
        lock.withReadLock { Array(templatesBySubject[subjectID] ?? []).sorted() }
    }

    /// Adds templates (row-major vectors); switches to the approximate index when it grows past
    /// the limit.
    /// Templates already present are skipped, so replaying a change is harmless.
    func add(ids: [Int64], owners newOwners: [Owner], vectors: [Float]) throws {
        precondition(ids.count == newOwners.count && vectors.count == ids.count * dimension)
        try lock.withWriteLock {
            var fresh: [Int] = []
            var seen = Set<Int64>()
            for (row, id) in ids.enumerated() where owners[id] == nil && seen.insert(id).inserted { fresh.append(row) }
            guard !fresh.isEmpty else { return }
            if fresh.count == ids.count {
                try addLocked(ids: ids, owners: newOwners, vectors: vectors)
            } else {
                var freshVectors: [Float] = []
                freshVectors.reserveCapacity(fresh.count * dimension)
                for row in fresh { freshVectors += vectors[(row * dimension)..<((row + 1) * dimension)] }
                try addLocked(ids: fresh.map { ids[$0] }, owners: fresh.map { newOwners[$0] }, vectors: freshVectors)
            }
        }
    }

    private func addLocked(ids: [Int64], owners newOwners: [Owner], vectors: [Float]) throws {
        switch storage {
        case .exact(var exact):
            storage = .exact(ExactIndex(dimension: dimension))  // keep a single reference while mutating
            for (row, id) in ids.enumerated() {
                exact.add(id: id, vector: Array(vectors[(row * dimension)..<((row + 1) * dimension)]))
            }
            if exact.count > approximateAbove {
                let (allIDs, allVectors) = exact.contents
                storage = .approximate(try ScanIndex.build(allVectors, ids: allIDs, dimension: dimension))
            } else {
                storage = .exact(exact)
            }
        case .approximate(let index):
            try index.add(vectors, ids: ids)
        }
        for (id, owner) in zip(ids, newOwners) {
            owners[id] = owner
            templatesBySubject[owner.subjectID, default: []].insert(id)
        }
    }

    /// Templates not present are ignored, so replaying a change is harmless.
    func remove(ids: [Int64]) {
        lock.withWriteLock {
            let present = ids.filter { owners[$0] != nil }
            guard !present.isEmpty else { return }
            removeLocked(ids: present)
        }
    }

    private func removeLocked(ids: [Int64]) {
        switch storage {
        case .exact(var exact):
            storage = .exact(ExactIndex(dimension: dimension))
            for id in ids { exact.remove(id: id) }
            storage = .exact(exact)
        case .approximate(let index):
            index.remove(ids: ids)
        }
        for id in ids {
            guard let owner = owners.removeValue(forKey: id) else { continue }
            templatesBySubject[owner.subjectID]?.remove(id)
            if templatesBySubject[owner.subjectID]?.isEmpty == true { templatesBySubject[owner.subjectID] = nil }
        }
    }

    /// The `k` most similar templates, best first, each with its owner.
    func search(_ vector: [Float], k: Int) throws -> [(hit: SearchHit, owner: Owner)] {
        try lock.withReadLock {
            let hits: [SearchHit]
            switch storage {
            case .exact(let exact): hits = exact.search(vector, k: k)
            case .approximate(let index):
                hits = try index.search(vector, k: k, candidates: max(candidates, k), threads: threads)
            }
            return hits.compactMap { hit in owners[hit.id].map { (hit, $0) } }
        }
    }
}
