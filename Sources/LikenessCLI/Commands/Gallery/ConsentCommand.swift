import ArgumentParser
import Foundation
import Workflows
import Gallery

struct ConsentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consent",
        abstract: "Record or withdraw a subject's consent.",
        discussion: """
            Examples:
              likeness consent grant --subject yao --text consent-v2.txt --text-version v2
              likeness consent revoke --subject yao
            """,
        subcommands: [Grant.self, Revoke.self])

    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a consent: purpose, the text agreed to (its SHA-256 is kept) and evidence.",
            discussion: """
                Idempotent per purpose and text version: while such a consent is active, it is kept as \
                it is and the command says so. Recording a consent for an erased subject starts it \
                afresh (its old consent records are not shown again; the audit trail keeps them).

                Examples:
                  likeness consent grant --subject yao
                  likeness consent grant --subject yao --purpose fraud_check --text form.txt --text-version v3 --evidence form-1234
                """)

        @Option(help: "The subject id.")
        var subject: String

        @Option(help: "What the face may be used for.")
        var purpose: String = Gallery.defaultPurpose

        @Option(help: "A file with the consent text the person agreed to (without it: the built-in text).")
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
            let (consent, created) = try await gallery.open().recordConsent(
                tenant: gallery.tenant, subject: subject, purpose: purpose, textVersion: textVersion, text: wording,
                evidence: evidence)
            if json {
                try printJSON(ConsentDocument(consent))
            } else if created {
                print("consent recorded: \(subject) for \(purpose), text \(textVersion) (sha256 \(consent.textHash))")
            } else {
                print(
                    "consent already active: \(subject) for \(purpose), text \(textVersion), granted \(consent.grantedAt)"
                        + " (nothing recorded)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Withdraw a consent. With no active consent left, the subject is erased.",
            discussion: """
                Fails with not_found, and changes nothing, when the subject has no active consent for \
                the purpose. A subject enrolled with --no-consent-required (held under another legal \
                basis) is not erased by a withdrawal; see docs/gallery.md for what is erased when.

                Examples:
                  likeness consent revoke --subject yao
                  likeness consent revoke --subject yao --purpose fraud_check
                """)

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
