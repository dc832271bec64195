import ArgumentParser
import Foundation
import Workflows
import Gallery

struct ConsentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consent",
        abstract: "Record or withdraw a subject's consent.",
        subcommands: [Grant.self, Revoke.self])

    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a consent: purpose, the text agreed to (its SHA-256 is kept) and evidence.")

        @Option(help: "The subject id.")
        var subject: String

        @Option(help: "What the face may be used for.")
        var purpose: String = Gallery.defaultPurpose

        @Option(help: "A file with the consent text the person agreed to (default: the built-in text).")
        var text: String?

        @Option(help: "The version of that text.")
        var textVersion: String = "likeness-default-1"

        @Option(help: "Where the proof of consent is kept (form id, session id…).")
        var evidence: String?

        @Flag(help: "Print JSON.")
        var json = false

        @OptionGroup var gallery: GalleryOptions

        func run() async throws {
            var wording = ConsentGrant.defaultText
            if let text {
                guard let data = FileManager.default.contents(atPath: text) else {
                    throw CLIError(code: .fileNotFound, message: "cannot read \(text)")
                }
                wording = String(decoding: data, as: UTF8.self)
            }
            let consent = try await gallery.open().grantConsent(
                tenant: gallery.tenant, subject: subject, purpose: purpose, textVersion: textVersion, text: wording,
                evidence: evidence)
            if json {
                try printJSON(consent)
            } else {
                print("consent recorded: \(subject) for \(purpose), text \(textVersion) (sha256 \(consent.textHash))")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Withdraw a consent. With no active consent left, the subject's templates are erased.")

        @Option(help: "The subject id.")
        var subject: String

        @Option(help: "The purpose withdrawn.")
        var purpose: String = Gallery.defaultPurpose

        @OptionGroup var gallery: GalleryOptions

        func run() async throws {
            let (revoked, erasure) = try await gallery.open().revokeConsent(
                tenant: gallery.tenant, subject: subject, purpose: purpose)
            print("\(revoked) consent(s) revoked for \(subject)")
            if let erasure {
                print("no active consent remains: \(erasure.templatesDeleted) template(s) erased")
            }
        }
    }
}
