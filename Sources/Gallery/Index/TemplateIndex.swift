import VectorIndex
import Foundation

/// The in-memory 1:N index of one tenant and model pack, mapping templates to subjects.
///
/// Exact SIMD search while the gallery is small; above `approximateAbove` templates, the scan
/// index (quantisers trained on the templates present when it is built). The owner serialises
/// access.
final class TemplateIndex {
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
    private var storage: Storage
    private(set) var owners: [Int64: Owner] = [:]

    init(dimension: Int, approximateAbove: Int, candidates: Int, threads: Int) {
        self.threads = threads
        self.dimension = dimension
        self.approximateAbove = max(approximateAbove, 1_000)  // the quantisers need a sample to learn from
        self.candidates = candidates
        storage = .exact(ExactIndex(dimension: dimension))
    }

    var count: Int { owners.count }
    var isApproximate: Bool {
        if case .approximate = storage { return true }
        return false
    }

    /// Adds templates (row-major vectors); switches to the approximate index when it grows past
    /// the limit.
    func add(ids: [Int64], owners newOwners: [Owner], vectors: [Float]) throws {
        precondition(ids.count == newOwners.count && vectors.count == ids.count * dimension)
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
        for (id, owner) in zip(ids, newOwners) { owners[id] = owner }
    }

    func remove(ids: [Int64]) throws {
        switch storage {
        case .exact(var exact):
            storage = .exact(ExactIndex(dimension: dimension))
            for id in ids { exact.remove(id: id) }
            storage = .exact(exact)
        case .approximate(let index):
            index.remove(ids: ids)
        }
        for id in ids { owners.removeValue(forKey: id) }
    }

    /// The `k` most similar templates, best first.
    func search(_ vector: [Float], k: Int) throws -> [SearchHit] {
        switch storage {
        case .exact(let exact): return exact.search(vector, k: k)
        case .approximate(let index):
            return try index.search(vector, k: k, candidates: max(candidates, k), threads: threads)
        }
    }
}
