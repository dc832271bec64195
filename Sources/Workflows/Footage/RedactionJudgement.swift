/// Whether one face (or track) is hidden, from its templates and the target.
struct RedactionJudgement {
    var action: String
    var reason: String
    var subject: String?
    var similarity: Double?

    var hides: Bool { action == "hidden" }

    /// Keeping a stranger visible is the costly error of `keep`, so a kept face needs its best
    /// templates to agree (the mean of up to three); missing the named person is the costly
    /// error of `only`, so one template over the threshold hides the face.
    static func judge(
        templates: [[Float]], target: RedactionTarget, recognizer: (any SubjectRecognizer)?, threshold: Double
    ) async throws -> RedactionJudgement {
        guard target != .everyone else { return RedactionJudgement(action: "hidden", reason: "everyone") }
        guard let recognizer, !recognizer.subjects.isEmpty else {
            // keep with no subject left (none consented): everyone is hidden.
            return target.mode == "keep"
                ? RedactionJudgement(action: "hidden", reason: "not_a_kept_subject")
                : RedactionJudgement(action: "kept", reason: "not_a_named_subject")
        }
        guard !templates.isEmpty else { return RedactionJudgement(action: "hidden", reason: "not_recognisable") }
        var scores: [String: [Double]] = [:]
        for vector in templates {
            for (subject, similarity) in try await recognizer.similarities(to: vector) {
                scores[subject, default: []].append(similarity)
            }
        }
        let keep = target.mode == "keep"
        let fused = scores.mapValues { values -> Double in
            let best = values.sorted(by: >)
            return keep ? best.prefix(3).reduce(0, +) / Double(min(3, best.count)) : best[0]
        }
        guard let (subject, similarity) = fused.max(by: { $0.value < $1.value }) else {
            return RedactionJudgement(action: "hidden", reason: "not_recognisable")
        }
        let matched = similarity >= threshold
        switch (keep, matched) {
        case (true, true):
            return RedactionJudgement(
                action: "kept", reason: "consented_subject", subject: subject, similarity: similarity)
        case (true, false):
            return RedactionJudgement(action: "hidden", reason: "not_a_kept_subject", similarity: similarity)
        case (false, true):
            return RedactionJudgement(
                action: "hidden", reason: "named_subject", subject: subject, similarity: similarity)
        case (false, false):
            return RedactionJudgement(action: "kept", reason: "not_a_named_subject", similarity: similarity)
        }
    }
}
