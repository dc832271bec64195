/// Runs `body` for every item with at most `limit` in flight, returning results in input order.
package func concurrentMap<T: Sendable, R: Sendable>(
    _ items: [T], limit: Int, _ body: @escaping @Sendable (T) async -> R
) async -> [R] {
    await withTaskGroup(of: (Int, R).self) { group in
        var results = [R?](repeating: nil, count: items.count)
        var next = 0
        func launch() {
            let index = next
            let item = items[index]
            group.addTask { (index, await body(item)) }
            next += 1
        }
        while next < min(limit, items.count) { launch() }
        while let (index, result) = await group.next() {
            results[index] = result
            if next < items.count { launch() }
        }
        return results.map { $0! }
    }
}
