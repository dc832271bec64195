import Foundation
import TestSupport
import Testing

@Suite("likeness --help pages", .enabled(if: Fixtures.needsModels, "models missing (developer machine): skipped"))
struct HelpTextTests {
    /// The subcommands a help page lists under SUBCOMMANDS (the names at two spaces' indent).
    static func subcommands(in help: String) -> [String] {
        var names: [String] = []
        var inList = false
        for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("SUBCOMMANDS:") {
                inList = true
            } else if inList {
                if line.isEmpty { break }
                guard line.hasPrefix("  "), !line.hasPrefix("   "), let name = line.split(separator: " ").first else {
                    continue
                }
                names.append(String(name))
            }
        }
        return names
    }

    /// Every command path under the root, depth first (`["subjects", "list"]`, …).
    static func commands(under path: [String] = []) throws -> [(path: [String], help: String)] {
        let run = try LikenessBinary.run(path + ["--help"])
        var found = [(path: path, help: run.stdout)]
        for name in subcommands(in: run.stdout) { found += try commands(under: path + [name]) }
        return found
    }

    @Test("every command and subcommand, recursively, shows an Examples: paragraph with an example line")
    func examples() throws {
        let commands = try Self.commands()
        #expect(commands.count > 20, "the root lists its subcommands: \(commands.map(\.path))")
        var missing: [String] = []
        for (path, help) in commands {
            let lines = help.split(separator: "\n", omittingEmptySubsequences: false)
            guard let heading = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "Examples:" }),
                heading + 1 < lines.count, lines[heading + 1].contains("likeness")
            else {
                missing.append((["likeness"] + path).joined(separator: " "))
                continue
            }
        }
        #expect(missing.isEmpty, "no Examples: in the help of \(missing.joined(separator: ", "))")
    }

    @Test("help texts state a default once: no option says `(default …)` twice")
    func defaultsOnce() throws {
        var doubled: [String] = []
        for (path, help) in try Self.commands() {
            // One block per option: its first line starts `  -`, its wrapped lines are indented further.
            var blocks: [String] = []
            for line in help.split(separator: "\n") {
                if line.hasPrefix("  -") {
                    blocks.append(String(line))
                } else if line.hasPrefix("   "), !blocks.isEmpty {
                    blocks[blocks.count - 1] += " " + line.trimmingCharacters(in: .whitespaces)
                } else {
                    blocks.append("")
                }
            }
            for block in blocks
            where block.components(separatedBy: "(default").count > 2 {
                doubled.append((["likeness"] + path).joined(separator: " ") + ": " + block)
            }
        }
        #expect(doubled.isEmpty, "defaults stated twice: \(doubled)")
    }

    @Test("serve takes the store options, not --tenant or --actor, and points to docs that exist")
    func serve() throws {
        let help = try LikenessBinary.run(["serve", "--help"]).stdout
        #expect(help.contains("--data"))
        #expect(help.contains("--database"))
        #expect(!help.contains("--tenant <tenant>"))
        #expect(!help.contains("--actor <actor>"))
        #expect(!help.contains("docs/service.md"))
        for document in help.matches(of: /docs\/[a-z-]+\.md/).map({ String($0.output) }) {
            #expect(
                FileManager.default.fileExists(atPath: Fixtures.repositoryRoot.appendingPathComponent(document).path),
                "\(document)")
        }
        let refused = try LikenessBinary.run(["serve", "--tenant", "t", "--port", "1"])
        #expect(refused.status == 2, "\(refused)")
    }

    @Test("enroll: one --quality choice, the policy's values listed once")
    func enroll() throws {
        let help = try LikenessBinary.run(["enroll", "--help"]).stdout
        let text = help.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        #expect(text.contains("--quality <mode>"))
        #expect(text.components(separatedBy: "enroll_and_flag").count - 1 == 1, "\(text)")
    }
}
