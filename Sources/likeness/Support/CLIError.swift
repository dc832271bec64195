import ArgumentParser
import FaceKit
import Foundation
import Gallery

/// Errors of the command-line layer (files, arguments), with stable codes like FaceKit's.
struct CLIError: Error, CustomStringConvertible {
    var code: String
    var message: String

    var description: String { "\(code): \(message)" }

    /// The one line printed on stderr for any error: `error: <code>: <message>`.
    static func describe(_ error: Error) -> String {
        switch error {
        case let error as FaceKitError: return "error: \(error.code): \(error.message)"
        case let error as CLIError: return "error: \(error.code): \(error.message)"
        case let error as GalleryError: return "error: \(error.code): \(error.message)"
        default:
            let message = Likeness.message(for: error)
            return "error: usage: \(message)"
        }
    }
}
