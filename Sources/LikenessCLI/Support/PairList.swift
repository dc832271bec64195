import Foundation
import Workflows

/// A `file_x,file_y,Decision` CSV of labelled image pairs.
package struct PairList {
    package struct Entry {
        package var first: String
        package var second: String
        package var isSamePerson: Bool
    }

    package var entries: [Entry]

    package init(csvPath: String) throws {
        guard let data = FileManager.default.contents(atPath: csvPath) else {
            throw CLIError(code: .fileNotFound, message: "cannot read \(csvPath)")
        }
        var entries: [Entry] = []
        let lines = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
        for (number, line) in lines.enumerated() {
            let fields = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            if number == 0 && fields.first == "file_x" { continue }
            guard fields.count == 3 else {
                throw CLIError(
                    code: "invalid_csv", message: "\(csvPath):\(number + 1): expected file_x,file_y,Decision")
            }
            let decision = fields[2].lowercased()
            guard ["yes", "no", "1", "0", "true", "false", "same", "different"].contains(decision) else {
                throw CLIError(code: .invalidCSV, message: "\(csvPath):\(number + 1): decision must be Yes or No")
            }
            entries.append(
                Entry(
                    first: fields[0], second: fields[1], isSamePerson: ["yes", "1", "true", "same"].contains(decision)))
        }
        guard !entries.isEmpty else { throw CLIError(code: .invalidCSV, message: "\(csvPath) lists no pairs") }
        self.entries = entries
    }

    /// Every distinct image path, in first-seen order.
    package var images: [String] {
        var seen = Set<String>()
        return entries.flatMap { [$0.first, $0.second] }.filter { seen.insert($0).inserted }
    }
}
