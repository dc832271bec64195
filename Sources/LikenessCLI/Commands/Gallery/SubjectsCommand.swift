import ArgumentParser
import FaceKit
import Foundation
import Gallery
import Workflows

struct SubjectsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subjects",
        abstract: "List, show, update, verify against, and erase enrolled subjects and their faces.",
        discussion: """
            Examples:
              likeness subjects list --prefix cust-
              likeness subjects show yao --json
              likeness subjects delete-face yao 17
            """,
        subcommands: [
            List.self, Show.self, Faces.self, Update.self, DeleteFace.self, Verify.self, Erase.self,
        ])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a tenant's live subjects, by id, one page at a time.",
            discussion: """
                Subjects are sorted by id (byte order); erased subjects are not listed. Prints one id \
                per line, then the total matching --prefix and, when more pages follow, the cursor to \
                pass as --after. --json prints the document GET /v1/subjects answers.

                Examples:
                  likeness subjects list --data data --tenant demo
                  likeness subjects list --prefix cust- --limit 50
                  likeness subjects list --prefix cust- --after Y3VzdC0wNDI --json
                """)

        @Option(help: "Only ids that start with this text (at most 128 bytes).")
        var prefix: String = ""

        @Option(help: "The cursor printed as next by the previous page.")
        var after: String?

        @Option(help: "Most subjects on the page, 1 to 1000.")
        var limit: Int = 1_000

        @Flag(help: "Print the page as JSON.")
        var json = false

        @OptionGroup var gallery: GalleryOptions

        func validate() throws {
            guard (1...1_000).contains(limit) else { throw ValidationError("--limit must be in 1...1000") }
        }

        func run() async throws {
            let page = try await gallery.open().subjectPage(
                tenant: gallery.tenant, prefix: prefix, after: after, limit: limit)
            if json {
                try printJSON(SubjectListDocument(page))
                return
            }
            for listing in page.subjects { print(listing.subject.externalID) }
            print("total: \(page.total)")
            if let next = page.next { print("next: \(next)") }
        }
    }

    struct Faces: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a subject's faces: template id, pack, quality, created, and flags raised at enrolment.",
            discussion: """
                --json prints the document GET /v1/subjects/{id}/faces answers.

                Examples:
                  likeness subjects faces yao
                  likeness subjects faces yao --json
                """)

        @Argument(help: "The subject id.")
        var subject: String

        @Flag(help: "Print JSON.")
        var json = false

        @OptionGroup var gallery: GalleryOptions

        func run() async throws {
            let faces = try await gallery.open().faces(tenant: gallery.tenant, subject: subject)
            let document = SubjectFacesDocument(subject: subject, faces: faces)
            if json {
                try printJSON(document)
                return
            }
            print("\(subject): \(document.faces.count) face(s)")
            for face in document.faces {
                let quality = face.quality.map { String(format: "%.3f", $0) } ?? "-"
                var line = "  #\(face.id) \(face.pack) quality \(quality) \(face.createdAt)"
                for flag in face.flags {
                    let matches = flag.subjects.map { "\($0.subject) \($0.similarity)" }.joined(separator: ", ")
                    line += " [\(flag.code): \(matches)\(flag.resolution.map { "; reviewed: \($0)" } ?? "")]"
                }
                print(line)
            }
        }
    }

    struct DeleteFace: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "delete-face",
            abstract: "Erase one face of a subject; the subject and its other faces stay.",
            discussion: """
                The same guarantees as erasing a subject: the template leaves the store and every \
                process's index in one transaction with a face.erase audit event, and its bytes are \
                purged from the database files. --json prints the document \
                DELETE /v1/subjects/{id}/faces/{face} answers.

                Examples:
                  likeness subjects faces yao
                  likeness subjects delete-face yao 17
                """)

        @Argument(help: "The subject id.")
        var subject: String

        @Argument(help: "The face (template) id, as subjects faces lists it.")
        var face: Int64

        @Option(help: "Why, for the audit trail.")
        var reason: String = "request"

        @Flag(help: "Print JSON.")
        var json = false

        @OptionGroup var gallery: GalleryOptions

        func run() async throws {
            let receipt = try await gallery.open().eraseFace(
                tenant: gallery.tenant, subject: subject, face: face, reason: reason)
            if json {
                try printJSON(FaceErasureDocument(receipt))
            } else {
                print(
                    "erased face \(face) of \(subject), "
                        + (receipt.purged
                            ? "its bytes purged from the database files"
                            : "its bytes are purged from the database files in the background"))
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace a subject's metadata (a JSON object; null clears it).",
            discussion: """
                Metadata is a JSON object of at most 16384 bytes encoded, nested at most 8 deep; it is \
                stored with sorted keys. --json prints the subject as GET /v1/subjects/{id} answers.

                Examples:
                  likeness subjects update yao --metadata '{"customer": 42, "branch": "north"}'
                  likeness subjects update yao --metadata null
                """)

        @Argument(help: "The subject id.")
        var subject: String

        @Option(help: "The new metadata: a JSON object, or null.")
        var metadata: String

        @Flag(help: "Print JSON.")
        var json = false

        @OptionGroup var gallery: GalleryOptions

        func run() async throws {
            let trimmed = metadata.trimmingCharacters(in: .whitespacesAndNewlines)
            let object = trimmed == "null" ? nil : try SubjectMetadata(json: trimmed)
            let store = try await gallery.open()
            _ = try await store.updateMetadata(tenant: gallery.tenant, subject: subject, metadata: object)
            let document = SubjectDocument(try await store.details(tenant: gallery.tenant, subject: subject))
            if json {
                try printJSON(document)
            } else {
                print("\(subject): metadata \(object?.json ?? "cleared")")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what is stored about a subject: templates (never their vectors) and consents.",
            discussion: """
                --json prints the document GET /v1/subjects/{id} answers (erased subjects too, with \
                erased_at).

                Examples:
                  likeness subjects show yao
                  likeness subjects show yao --json
                """)

        @Argument(help: "The subject id.")
        var subject: String

        @Flag(help: "Print JSON.")
        var json = false

        @OptionGroup var gallery: GalleryOptions

        func run() async throws {
            let details = try await gallery.open().details(tenant: gallery.tenant, subject: subject)
            let report = SubjectDocument(details)
            if json {
                try printJSON(report)
                return
            }
            print(
                "subject \(subject), created \(report.createdAt)\(report.erasedAt.map { ", erased \($0)" } ?? "")")
            if let metadata = report.metadata { print("metadata \(metadata.json)") }
            if !report.consentRequired { print("enrolled without required consent: revoking a consent does not erase it") }
            print("\(report.templates.count) template(s)")
            for template in report.templates {
                print(
                    "  #\(template.id) \(template.pack) quality \(template.quality.map { String(format: "%.3f", $0) } ?? "-") \(template.createdAt)"
                )
            }
            print("\(report.consents.count) consent record(s)")
            for consent in report.consents {
                print(
                    "  \(consent.purpose) text \(consent.textVersion) granted \(consent.grantedAt)\(consent.revokedAt.map { ", revoked \($0)" } ?? " (active)")"
                )
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that an image shows an enrolled subject (face sign-in).",
            discussion: """
                The probe is compared with every template of the subject; the score is the mean of \
                the two best similarities (the best, when there is one template). --json prints the \
                document POST /v1/subjects/{id}/verify answers. Exit status: 0 match, 1 no match, 2 error.

                Examples:
                  likeness subjects verify yao selfie.jpg
                  likeness subjects verify yao selfie.jpg --fmr 1e-5 --json
                """)

        @Argument(help: "The subject id claimed.")
        var subject: String

        @Argument(help: "The probe image.")
        var image: String

        @Flag(help: "Print JSON.")
        var json = false

        @OptionGroup var decision: DecisionOptions
        @OptionGroup var gallery: GalleryOptions
        @OptionGroup var pipeline: PipelineOptions

        func run() async throws {
            let faces = FaceWorkflows(analyzer: try pipeline.makeAnalyzer())
            let probe = try await pipeline.load(image, with: faces.analyzer)
            let point = try OperatingPoint(
                pack: faces.analyzer.pack, threshold: decision.threshold, fmr: decision.fmr,
                defaultFMR: OperatingPoint.verifyFMR)
            let people = GalleryWorkflows(faces: faces, gallery: try await gallery.open())
            let answer = try await people.verify(
                probe, tenant: gallery.tenant, subject: subject, point: point, settings: pipeline.settings)
            if json {
                try printJSON(answer)
            } else {
                print(
                    String(
                        format: "%@: similarity %.4f (threshold %.4f%@) over %d template(s)",
                        answer.decision.isMatch ? "match" : "no match", answer.similarity, point.threshold,
                        point.fmr.map { " at FMR \($0)" } ?? "", answer.scores.count))
            }
            if !answer.decision.isMatch { throw ExitCode(1) }
        }
    }

    struct Erase: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Erase a subject: templates deleted from store and index, consents revoked, an audit event kept.",
            discussion: """
                The deleted bytes are then purged from the database files (at once when the store \
                allows it, else in the background; see docs/gallery.md). Creating the id again later \
                starts a fresh subject.

                Examples:
                  likeness subjects erase yao
                  likeness subjects erase yao --reason "customer request 1234" --json
                """)

        @Argument(help: "The subject id.")
        var subject: String

        @Option(help: "Why, for the audit trail.")
        var reason: String = "request"

        @Flag(help: "Print JSON.")
        var json = false

        @OptionGroup var gallery: GalleryOptions

        func run() async throws {
            let receipt = try await gallery.open().erase(tenant: gallery.tenant, subject: subject, reason: reason)
            if json {
                try printJSON(ErasureDocument(receipt))
            } else {
                print(
                    "erased \(subject): \(receipt.templatesDeleted) template(s) deleted, "
                        + (receipt.purged
                            ? "their bytes purged from the database files"
                            : "their bytes are purged from the database files in the background"))
            }
        }
    }
}
