import ArgumentParser
import Foundation
import Gallery
import Tokens
import Workflows

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "List, check and export the tamper-evident audit trail.",
        discussion: """
            Examples:
              likeness audit list --subject yao
              likeness audit verify
              likeness audit export --output audit.jsonl
            """,
        subcommands: [List.self, Verify.self, Export.self])

    /// Which events: `--subject`, `--action` (repeatable or a comma list), `--since`, `--until`.
    struct Filter: ParsableArguments {
        @Option(help: "Only events about this subject id.")
        var subject: String?

        @Option(help: ArgumentHelp("Only events with this action (repeatable, or a comma list).", valueName: "action"))
        var action: [String] = []

        @Option(help: "Only events at or after this ISO 8601 time (2026-12-01T10:00:00Z or 2026-12-01).")
        var since: String?

        @Option(help: "Only events before this ISO 8601 time.")
        var until: String?

        func filter() throws -> AuditFilter {
            AuditFilter(
                subject: subject,
                actions: action.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { !$0.isEmpty },
                since: try since.map { try Filter.time($0, option: "--since") },
                until: try until.map { try Filter.time($0, option: "--until") })
        }

        static func time(_ text: String, option: String) throws -> Date {
            for options: ISO8601DateFormatter.Options in [
                [.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds], [.withFullDate],
            ] {
                let formatter = ISO8601DateFormatter()
                formatter.formatOptions = options
                if let date = formatter.date(from: text) { return date }
            }
            throw ValidationError("\(option) takes an ISO 8601 time, e.g. 2026-12-01T10:00:00Z")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the tenant's audit events, oldest first, one page at a time.",
            discussion: """
                Prints one event per line and, when the page is full, the sequence to pass as --after. \
                --json prints the document GET /v1/audit answers for the same filters.

                Examples:
                  likeness audit list --tenant demo --subject yao
                  likeness audit list --action erase,face.erase --since 2026-12-01
                  likeness audit list --action enroll --after 120 --limit 50 --json
                """)

        @Option(help: "List events after this sequence number.")
        var after: Int64 = 0

        @Option(help: "Most events on the page, 1 to 1000.")
        var limit: Int = 100

        @OptionGroup var filter: Filter

        @Flag(help: "Print the page as JSON.")
        var json = false

        @OptionGroup var gallery: GalleryOptions

        func validate() throws {
            guard (1...1_000).contains(limit) else { throw ValidationError("--limit must be in 1...1000") }
            guard after >= 0 else { throw ValidationError("--after must be ≥ 0") }
        }

        func run() async throws {
            let events = try await gallery.open().auditEvents(
                tenant: gallery.tenant, filter: try filter.filter(), afterSequence: after, limit: limit)
            let page = AuditPageDocument(events, limit: limit)
            if json {
                try printJSON(page)
                return
            }
            let formatter = ISO8601DateFormatter()
            for event in events {
                print(
                    "#\(event.sequence) \(formatter.string(from: event.time)) \(event.actor) \(event.action)"
                        + (event.subject.map { " \($0)" } ?? "") + " \(event.details)")
            }
            if let next = page.next { print("next: \(next)") }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every event's MAC and link; name each edited, inserted, deleted or truncated event.",
            discussion: """
                The chain's end is checked against the signed head written beside the master key
                after each append (<key file>.audit-head; audit-head in the data directory when
                the key comes from LIKENESS_MASTER_KEY): events cut off the end are reported as
                `truncated`. A missing head file (a fresh gallery) is reported, and is no break.

                Exit status: 0 intact, 1 broken, 2 error.

                Examples:
                  likeness audit verify
                  likeness audit verify --json
                  likeness audit verify --only-tenant --tenant demo --json
                """)

        @Flag(help: "Print JSON.")
        var json = false

        @OptionGroup var gallery: GalleryOptions

        @Flag(
            help: "Report the breaks at --tenant's own events and only count the others (as GET /v1/audit/verify does)."
        )
        var onlyTenant = false

        func run() async throws {
            let opened = try await gallery.open()
            let result: AuditVerification
            let document: AuditVerificationDocument
            if onlyTenant {
                let scoped = try await opened.verifyAudit(tenant: gallery.tenant)
                result = scoped.verification
                document = AuditVerificationDocument(
                    scoped.verification, tenantProblems: scoped.tenantProblems, otherProblems: scoped.otherProblems)
            } else {
                result = try await opened.verifyAudit()
                document = AuditVerificationDocument(result)
            }
            if json {
                try printJSON(document)
            } else if result.isIntact {
                print("audit trail intact: \(result.events) events")
                if let head = result.head {
                    switch head.state {
                    case .missing: print("  no audit head file at \(head.file): truncation cannot be checked")
                    case .behind:
                        print(
                            "  the head file (\(head.file)) is at event \(head.sequence ?? 0): the chain goes on past it")
                    default: print("  the chain ends at the head anchored in \(head.file)")
                    }
                }
            } else {
                print("audit trail BROKEN: \(result.problems.count) problem(s) in \(result.events) events")
                for problem in document.problems {
                    print("  \(problem.kind) at event \(problem.sequence): \(problem.detail)")
                }
                if let others = document.problemsInOtherTenants, others > 0 {
                    print("  and \(others) at other tenants' events")
                }
            }
            if !result.isIntact { throw ExitCode(1) }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the audit events as JSON lines (the tenant's own with --only-tenant).",
            discussion: """
                Every field of each event, MACs included, so a copy can be compared later. The \
                filters narrow what is written (a filtered export does not verify as a chain).

                Examples:
                  likeness audit export --output audit.jsonl
                  likeness audit export --only-tenant --tenant demo --subject yao --since 2026-12-01
                """)

        @Option(help: "Write to this file instead of stdout.")
        var output: String?

        @Flag(help: "Only the events of --tenant (without it: every tenant's).")
        var onlyTenant = false

        @OptionGroup var filter: Filter

        @OptionGroup var gallery: GalleryOptions

        struct Line: Encodable {
            var sequence: Int64
            var time: String
            var tenant: String?
            var actor: String
            var action: String
            var subject: String?
            var details: String
            var previousHash: String
            var hash: String

            enum CodingKeys: String, CodingKey {
                case sequence, time, tenant, actor, action, subject, details, hash
                case previousHash = "previous_hash"
            }
        }

        func run() async throws {
            let store = try await gallery.open()
            var handle = FileHandle.standardOutput
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: nil),
                    let file = FileHandle(forWritingAtPath: output)
                else { throw CLIError(code: .fileUnwritable, message: "cannot write \(output)") }
                handle = file
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            var after: Int64 = 0
            let filter = try filter.filter()
            while true {
                let page = try await store.auditEvents(
                    tenant: onlyTenant ? gallery.tenant : nil, filter: filter, afterSequence: after, limit: 5_000)
                guard let last = page.last else { break }
                after = last.sequence
                var chunk = Data()
                for event in page {
                    chunk.append(
                        try encoder.encode(
                            Line(
                                sequence: event.sequence, time: formatter.string(from: event.time),
                                tenant: event.tenant, actor: event.actor, action: event.action, subject: event.subject,
                                details: event.details, previousHash: hex(event.previousHash), hash: hex(event.hash))))
                    chunk.append(0x0A)
                }
                handle.write(chunk)
            }
            if output != nil { try handle.close() }
        }

        func hex(_ data: Data) -> String { Hex.string(data) }
    }
}
