import Foundation
import Workflows

/// A labelled folder of people: one sub-folder of images per person (LFW's layout).
package struct PeopleFolders {
    package var people: [(name: String, images: [String])]

    package init(root: String) throws {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root) else {
            throw CLIError(code: .fileNotFound, message: "\(root) is not a readable directory")
        }
        people = names.sorted().compactMap { name in
            let images = (try? ImageFiles.list(in: (root as NSString).appendingPathComponent(name))) ?? []
            return images.isEmpty ? nil : (name, images)
        }
        guard !people.isEmpty else { throw CLIError(code: .fileNotFound, message: "no images under \(root)") }
    }

    /// The identification protocol: the first image of each person with two or more is enrolled,
    /// their other images are mated probes, and people with one image give non-mated probes.
    package var enrolments: [(person: String, image: String)] {
        people.filter { $0.images.count >= 2 }.map { ($0.name, $0.images[0]) }
    }
    package var matedProbes: [(person: String, image: String)] {
        people.filter { $0.images.count >= 2 }.flatMap { person in person.images.dropFirst().map { (person.name, $0) } }
    }
    package var nonMatedProbes: [String] { people.filter { $0.images.count == 1 }.map { $0.images[0] } }
    package var allImages: [String] { people.flatMap(\.images) }
}
