/// The version of Likeness: `likeness --version`, `/readyz`'s `version` and the OpenAPI
/// document's `info.version` (a test holds the document to it). Changed here only.
public enum LikenessVersion {
    public static let current = "1.0.0"
}
