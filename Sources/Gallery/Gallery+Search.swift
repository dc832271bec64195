import Foundation
import VectorIndex

/// One subject found by a 1:N search.
public struct Candidate: Sendable, Equatable, Codable {
    public var subject: String
    /// The best similarity among the subject's templates.
    public var similarity: Double
    /// Whether the similarity reaches the decision threshold.
    public var match: Bool
}

/// The result of verifying a probe against one subject's templates.
public struct SubjectVerification: Sendable, Equatable, Codable {
    public var subject: String
    /// The fused score: the mean of the two best template similarities (the best, with one).
    public var similarity: Double
    /// Every template's similarity, best first.
    public var scores: [Double]
    public var match: Bool
}

extension Gallery {
    /// The default operating point of 1:N search and of duplicate detection.
    ///
    /// Lower than 1:1's because every search makes one comparison per enrolled template: the
    /// chance that a person who is not enrolled matches somebody (FPIR) is about N × FMR.
    public static let defaultSearchFMR = 1e-5

    /// The subjects most like the probe, best first, at most `k`, each with its decision.
    ///
    /// Every change committed before the call (an erasure through another process included)
    /// is applied to the index first; the scan itself runs off the actor.
    public func search(tenant: String, pack: String, vector: [Float], k: Int, threshold: Double) async throws
        -> [Candidate]
    {
        guard (1...100).contains(k) else { throw GalleryError(.invalidArgument, "top k must be in 1...100") }
        try checkDimension(vector)
        var attempt = 0
        var candidates: [Candidate]
        while true {
            attempt += 1
            do {
                try await synchronize()
                let keys = try await keys(for: tenant, create: true)
                let index = try await index(for: keys, pack: pack)
                candidates = try await Gallery.rank(vector, keys: keys, index: index, k: k, threshold: threshold)
                break
            } catch let stale as StaleKeys where attempt < 8 {
                // Another process rotated the tenant's key while the index was being built.
                forgetTenantKeys(stale.tenantID)
            }
        }
        let matches = candidates.filter(\.match)
        try await record(
            AuditDraft(
                tenant: tenant, actor: actorName, action: "search",
                details: [
                    "pack": .string(pack), "k": .int(k), "threshold": .double(threshold),
                    "matches": .strings(matches.map(\.subject)),
                ]))
        return candidates
    }

    /// The best template of each of the `k` most similar subjects.
    @concurrent
    static func rank(_ vector: [Float], keys: TenantKeys, index: TemplateIndex, k: Int, threshold: Double)
        async throws -> [Candidate]
    {
        let hits = try index.search(keys.transform.apply(vector), k: min(max(k * 4, 20), 400))
        var seen = Set<String>()
        var candidates: [Candidate] = []
        for (hit, owner) in hits where seen.insert(owner.externalID).inserted {
            candidates.append(
                Candidate(
                    subject: owner.externalID, similarity: Gallery.rounded(hit.similarity),
                    match: Double(hit.similarity) >= threshold))
            if candidates.count == k { break }
        }
        return candidates
    }

    /// 1:1 against every template of a claimed subject, for face sign-in.
    ///
    /// Fusion: the mean of the two best similarities, or the only one. Taking the best alone
    /// would let each extra template add its own chance of a false match; the mean of two needs
    /// two templates to agree, so the false-match rate stays at or below the single-template
    /// rate the threshold was calibrated for.
    public func verify(tenant: String, subject: String, pack: String, vector: [Float], threshold: Double)
        async throws -> SubjectVerification
    {
        try checkDimension(vector)
        try await synchronize()
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await verifyOnce(
                    tenant: tenant, subject: subject, pack: pack, vector: vector, threshold: threshold)
            } catch let stale as StaleKeys where attempt < 8 {
                // Rotated by another process since the log was read: apply it and read again.
                forgetTenantKeys(stale.tenantID)
                try await synchronize()
            }
        }
    }

    private func verifyOnce(tenant: String, subject: String, pack: String, vector: [Float], threshold: Double)
        async throws -> SubjectVerification
    {
        let keys = try await keys(for: tenant, create: true)
        guard let record = try await store.subject(tenantID: keys.tenant.id, externalID: subject),
            record.erasedAt == nil
        else { throw GalleryError(.notFound, "no subject \(subject)") }
        let templates = try await store.templates(subjectID: record.id).filter { $0.pack == pack }
        guard !templates.isEmpty else {
            throw GalleryError(.notFound, "subject \(subject) has no templates for model pack \(pack)")
        }
        let probe = keys.transform.apply(vector)
        let scores: [Float]
        do {
            scores = try templates.map { VectorMath.dot(probe, try keys.open($0)) }.sorted(by: >)
        } catch let error as GalleryError where error.code == .dataTampered {
            // Never a silent mismatch: the operator learns which row was changed outside Likeness.
            configuration.logger.error(
                "a template failed authentication", metadata: ["tenant": "\(tenant)", "reason": "\(error.message)"])
            throw error
        }
        let fused = scores.count == 1 ? scores[0] : (scores[0] + scores[1]) / 2
        let result = SubjectVerification(
            subject: subject, similarity: Gallery.rounded(fused), scores: scores.map(Gallery.rounded),
            match: Double(fused) >= threshold)
        try await self.record(
            AuditDraft(
                tenant: tenant, actor: actorName, action: "verify", subject: subject,
                details: [
                    "pack": .string(pack), "threshold": .double(threshold), "match": .bool(result.match),
                    "similarity": .double(result.similarity),
                ]))
        return result
    }
}
