/// What a liveness recording's best frame is compared with, if anything.
public enum LivenessComparison: Sendable {
    /// Liveness only.
    case none
    /// An ID document image, with the SHA-256 (hex) of its bytes that the answer reports.
    case document(bytes: [UInt8], sha256: String)
    /// A tenant's enrolled subject, through the gallery's sign-in.
    case subject(tenant: String, id: String)
}
