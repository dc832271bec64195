/// Keeps group ids from one run to the next.
///
/// Each new cluster takes the previous id that most of its faces had, largest overlaps first and
/// each old id at most once; a cluster with no earlier faces, or whose old id went to a bigger
/// overlap, gets a fresh id. A group whose membership did not change therefore keeps its id.
public enum StableGroups {
    /// Ids for `clusters` (lists of face keys), given each known face's previous id.
    public static func assign(
        clusters: [[String]], previous: [String: Int], nextID: inout Int
    ) -> [Int] {
        var overlaps: [(cluster: Int, id: Int, count: Int)] = []
        for (index, members) in clusters.enumerated() {
            var counts: [Int: Int] = [:]
            for key in members { if let id = previous[key] { counts[id, default: 0] += 1 } }
            for (id, count) in counts { overlaps.append((index, id, count)) }
        }
        overlaps.sort { ($0.count, -$0.id) > ($1.count, -$1.id) }
        var assigned = [Int?](repeating: nil, count: clusters.count)
        var taken = Set<Int>()
        for overlap in overlaps where assigned[overlap.cluster] == nil && !taken.contains(overlap.id) {
            assigned[overlap.cluster] = overlap.id
            taken.insert(overlap.id)
        }
        return assigned.map { id in
            if let id { return id }
            defer { nextID += 1 }
            return nextID
        }
    }
}
