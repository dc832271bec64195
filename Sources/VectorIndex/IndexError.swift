/// A failure inside an index (the C kernel refused an operation or ran out of memory).
public struct IndexError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, from the kernel.
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { "index_failure: \(message)" }
}
