import ArgumentParser
import FaceKit
import Foundation
import Gallery
import Workflows

/// Errors of the command-line layer (files, arguments), with the same stable codes as the API's.
package struct CLIError: Error, CustomStringConvertible {
    package var code: ProblemCode
    package var message: String

    package init(code: ProblemCode, message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { "\(code): \(message)" }

    /// The one line printed on stderr for any error: `error: <code>: <message>`.
    package static func describe(_ error: Error) -> String {
        switch error {
        case let error as CLIError: return "error: \(error.code): \(error.message)"
        // The libraries' own codes, as the CLI has always printed them (`invalid_argument` where
        // the HTTP API says `validation_failed`).
        case let error as FaceKitError: return "error: \(error.code): \(error.message)"
        case let error as GalleryError: return "error: \(error.code): \(error.message)"
        default: break
        }
        if let (code, message) = WorkflowError.describe(error) { return "error: \(code): \(message)" }
        return "error: usage: \(Likeness.message(for: error))"
    }
}
