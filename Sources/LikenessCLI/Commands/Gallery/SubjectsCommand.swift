import ArgumentParser
import FaceKit
import Foundation
import Gallery
import Workflows

struct SubjectsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subjects",
        abstract: "List, show, verify against, and erase enrolled subjects.",
        subcommands: [List.self, Show.self, Verify.self, Erase.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a tenant's subjects (JSON lines with --json).")

        @Option(help: "Most subjects to list.")
        var limit: Int = 1_000

        @Flag(help: "Include erased subjects.")
        var all = false

        @Flag(help: "Print JSON lines.")
        var json = false

        @OptionGroup var gallery: GalleryOptions

        func validate() throws {
            guard (1...1_000_000).contains(limit) else { throw ValidationError("--limit must be in 1...1000000") }
        }

        struct Line: Encodable {
            var subject: String
            var created: Date
            var erased: Date?
        }

        func run() async throws {
            let store = try await gallery.open()
            var after: Int64 = 0
            var listed = 0
            while listed < limit {
                let page = try await store.subjects(tenant: gallery.tenant, afterID: after, limit: min(1_000, limit))
                guard let last = page.last else { break }
                after = last.id
                for subject in page where all || subject.erasedAt == nil {
                    guard listed < limit else { break }
                    listed += 1
                    if json {
                        try printJSON(
                            Line(subject: subject.externalID, created: subject.createdAt, erased: subject.erasedAt))
                    } else {
                        print(subject.externalID + (subject.erasedAt == nil ? "" : " (erased)"))
                    }
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what is stored about a subject: templates (never their vectors) and consents.")

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
            discussion: "The database is then checkpointed and vacuumed, so the deleted bytes leave the files.")

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
