import FaceKit
import Gallery

/// A workflow refused its input: a stable code, a message, and what a caller needs to act on it
/// (the quality reasons of a photo, the subjects a face already belongs to).
public struct WorkflowError: Error, Sendable, CustomStringConvertible {
    public let code: ProblemCode
    /// A human-readable explanation; never contains image or template data.
    public let message: String
    /// `low_quality`: each failed check's stable code.
    public var reasons: [String] = []
    /// `possible_duplicate`: the other subjects the face matched.
    public var duplicates: [DuplicateFinding] = []
    /// `low_quality` of an enrolment: every image below the profile, with its reasons.
    public var rejected: [RejectedImage] = []

    public init(
        _ code: ProblemCode, _ message: String, reasons: [String] = [], duplicates: [DuplicateFinding] = [],
        rejected: [RejectedImage] = []
    ) {
        self.code = code
        self.message = message
        self.reasons = reasons
        self.duplicates = duplicates
        self.rejected = rejected
    }

    public var description: String { "\(code): \(message)" }

    /// The stable code and message of any error a workflow lets through.
    public static func describe(_ error: any Error) -> (code: ProblemCode, message: String)? {
        switch error {
        case let error as WorkflowError: (error.code, error.message)
        case let error as FaceKitError: (ProblemCode(error.code), error.message)
        case let error as GalleryError: (ProblemCode(error.code), error.message)
        default: nil
        }
    }
}
