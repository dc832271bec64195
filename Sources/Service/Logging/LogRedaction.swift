/// Scrubs an error's description before it is logged.
///
/// Descriptions come from libraries we do not control (a database driver may quote a statement),
/// so whatever looks like a secret or a payload is cut out: base64 or hex runs (images, templates,
/// tokens), API key secrets, bearer credentials and lists of numbers (template components).
enum LogRedaction {
    /// The longest description kept; the cause is in the first few hundred characters.
    static let maxLength = 600

    static func scrub(_ text: String) -> String {
        var text = text
        // Order matters: the key pattern first, so its tail is not reported as a generic run.
        text.replace(#/lk_[A-Za-z0-9_\-]+/#, with: "lk_[redacted]")
        text.replace(#/(?i)bearer\s+\S+/#, with: "Bearer [redacted]")
        text.replace(#/[0-9A-Fa-f]{32,}/#, with: "[redacted]")
        text.replace(#/[A-Za-z0-9+\/=]{40,}/#, with: "[redacted]")
        text.replace(#/(?:-?\d+(?:\.\d+)?(?:[eE]-?\d+)?[,;\s]+){7,}-?\d+(?:\.\d+)?/#, with: "[numbers redacted]")
        if text.count > maxLength { text = String(text.prefix(maxLength)) + "…" }
        return text
    }
}
