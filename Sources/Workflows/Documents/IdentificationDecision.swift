import Gallery

/// The answer of a 1:N search: the best candidate is a match, or the person is not known.
public enum IdentificationDecision: String, Sendable, Codable, CaseIterable {
    case match
    case unknown

    /// `match` when the best candidate reaches the threshold.
    public init(_ candidates: [Candidate]) { self = candidates.first?.match == true ? .match : .unknown }
}
