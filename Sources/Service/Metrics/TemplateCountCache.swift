import Gallery

/// Each tenant's stored-template count for `/metrics`, read from the store at most once per
/// `maxAge`: a scrape, however frequent, runs no `COUNT` per tenant of its own.
///
/// One refresh at a time: scrapes that find the counts stale while a refresh runs wait for that
/// one. When the store does not answer, the last counts are kept (a scrape still answers with
/// every other metric) and the next scrape after `maxAge` tries again.
actor TemplateCountCache {
    private let gallery: Gallery
    private let maxAge: Duration
    private var last: (at: ContinuousClock.Instant, counts: [String: Int])?
    private var refresh: Task<[String: Int]?, Never>?
    /// When the last refresh failed: no retry before `maxAge` has passed since.
    private var failedAt: ContinuousClock.Instant?

    init(gallery: Gallery, maxAge: Duration = .seconds(15)) {
        self.gallery = gallery
        self.maxAge = maxAge
    }

    /// The counts no older than `maxAge` when the store answers, else the last ones read (or none).
    func counts() async -> [String: Int] {
        let now = ContinuousClock.now
        if let last, now - last.at < maxAge { return last.counts }
        if let failedAt, now - failedAt < maxAge { return last?.counts ?? [:] }
        let task: Task<[String: Int]?, Never>
        if let refresh {
            task = refresh
        } else {
            let gallery = self.gallery
            task = Task { try? await gallery.templateCounts() }
            refresh = task
        }
        let counts = await task.value
        // The first waiter to resume records the result; the others find it fresh.
        if refresh == task {
            refresh = nil
            if let counts {
                last = (ContinuousClock.now, counts)
                failedAt = nil
            } else {
                failedAt = ContinuousClock.now
            }
        }
        return counts ?? last?.counts ?? [:]
    }
}
