import Foundation

/// A subject's consent to one purpose, with the text they agreed to and its later revocation.
public struct Consent: Sendable, Equatable, Codable {
    public var id: Int64
    public var subjectID: Int64
    /// What the biometric data may be used for, e.g. `identity_verification`.
    public var purpose: String
    /// The version of the consent text shown to the person.
    public var textVersion: String
    /// SHA-256 (hex) of that text, so the exact wording can be proven later.
    public var textHash: String
    public var grantedAt: Date
    public var revokedAt: Date?
    /// Where the proof of consent lives (a signed form, a capture session id…).
    public var evidence: String?

    public var isActive: Bool { revokedAt == nil }

    public init(
        id: Int64, subjectID: Int64, purpose: String, textVersion: String, textHash: String, grantedAt: Date,
        revokedAt: Date?, evidence: String?
    ) {
        self.id = id
        self.subjectID = subjectID
        self.purpose = purpose
        self.textVersion = textVersion
        self.textHash = textHash
        self.grantedAt = grantedAt
        self.revokedAt = revokedAt
        self.evidence = evidence
    }
}

/// A consent about to be recorded.
public struct NewConsent: Sendable {
    public var purpose: String
    public var textVersion: String
    public var textHash: String
    public var evidence: String?

    public init(purpose: String, textVersion: String, textHash: String, evidence: String?) {
        self.purpose = purpose
        self.textVersion = textVersion
        self.textHash = textHash
        self.evidence = evidence
    }
}
