import ArgumentParser
import Foundation
import Tokens
import Workflows
import Gallery

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check and export the tamper-evident audit trail.",
        subcommands: [Verify.self, Export.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every event's MAC and link; name each edited, inserted or deleted event.",
            discussion: "Exit status: 0 intact, 1 broken, 2 error.")

        @Flag(help: "Print JSON.")
        var json = false

        @OptionGroup var gallery: GalleryOptions

        struct Report: Encodable {
            struct Problem: Encodable {
                var kind: String
                var sequence: Int64
                var detail: String
            }
            var intact: Bool
            var events: Int
            var problems: [Problem]
        }

        func run() async throws {
            let result = try await gallery.open().verifyAudit()
            if json {
                try printJSON(
                    Report(
                        intact: result.isIntact, events: result.events,
                        problems: result.problems.map {
                            .init(kind: $0.kind.rawValue, sequence: $0.sequence, detail: $0.detail)
                        }))
            } else if result.isIntact {
                print("audit trail intact: \(result.events) events")
            } else {
                print("audit trail BROKEN: \(result.problems.count) problem(s) in \(result.events) events")
                for problem in result.problems { print("  \(problem)") }
            }
            if !result.isIntact { throw ExitCode(1) }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the audit events as JSON lines (the tenant's own with --only-tenant).")

        @Option(help: "Write to this file instead of stdout.")
        var output: String?

        @Flag(help: "Only the events of --tenant (default: every tenant's).")
        var onlyTenant = false

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
            while true {
                let page = try await store.auditEvents(
                    tenant: onlyTenant ? gallery.tenant : nil, afterSequence: after, limit: 5_000)
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
