/// The answer of a comparison at an operating point.
public enum Decision: String, Sendable, Codable, CaseIterable {
    case match
    case noMatch = "no_match"

    public init(_ isMatch: Bool) { self = isMatch ? .match : .noMatch }

    public var isMatch: Bool { self == .match }
}
