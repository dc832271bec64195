/// Errors of the gallery layer.
public enum GalleryError: Error, Equatable, Sendable {
    /// A key is missing, malformed, or does not match.
    case invalidKey(String)
    /// Stored data failed authentication.
    case tampered(String)
    /// The search index refused an operation.
    case index(String)

    /// A stable machine-readable code.
    public var code: String {
        switch self {
        case .invalidKey: "invalid_key"
        case .tampered: "data_tampered"
        case .index: "index_error"
        }
    }
}
