/// An error of the gallery layer, with a stable machine-readable code.
public struct GalleryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable identifier for the kind of failure; safe to match on and to show to API users.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// A key is missing, malformed, or does not open the data.
        public static let invalidKey = Code(rawValue: "invalid_key")
        /// Stored data failed authentication: it was altered or moved.
        public static let dataTampered = Code(rawValue: "data_tampered")
        /// The search index refused an operation.
        public static let indexFailure = Code(rawValue: "index_error")
        /// A tenant's index could not be built (a stored template did not open, say): its
        /// searches fail with this until a later build succeeds, rather than finding nobody.
        public static let indexUnavailable = Code(rawValue: "index_unavailable")
        /// The subject (or tenant) does not exist.
        public static let notFound = Code(rawValue: "not_found")
        /// Enrolment needs an active consent for the purpose, and there is none.
        public static let consentRequired = Code(rawValue: "consent_required")
        /// The thing to create (a subject, say) exists already.
        public static let alreadyExists = Code(rawValue: "already_exists")
        /// An argument is outside its allowed range.
        public static let invalidArgument = Code(rawValue: "invalid_argument")
        /// The database failed or holds data this version cannot read.
        public static let storeFailure = Code(rawValue: "store_error")
        /// The database server could not be reached (down, restarting, connections refused):
        /// a retry later may succeed.
        public static let storeUnavailable = Code(rawValue: "store_unavailable")
    }

    public let code: Code
    /// A human-readable explanation; never contains image or template data.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    static func invalidKey(_ message: String) -> GalleryError { GalleryError(.invalidKey, message) }
    static func tampered(_ message: String) -> GalleryError { GalleryError(.dataTampered, message) }
    static func index(_ message: String) -> GalleryError { GalleryError(.indexFailure, message) }
}
