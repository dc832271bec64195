/// How `likeness serve` runs: where it listens and what it accepts.
public struct ServiceConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// The largest request body accepted (default 20 MB).
    public var maxBodyBytes = 20_000_000

    public init() {}
}
