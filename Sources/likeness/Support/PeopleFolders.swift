import Foundation

/// A labelled folder of people: one sub-folder of images per person (LFW's layout).
struct PeopleFolders {
    var people: [(name: String, images: [String])]

    init(root: String) throws {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root) else {
            throw CLIError(code: "file_not_found", message: "\(root) is not a readable directory")
        }
        people = names.sorted().compactMap { name in
            let images = (try? ImageFiles.list(in: (root as NSString).appendingPathComponent(name))) ?? []
            return images.isEmpty ? nil : (name, images)
        }
        guard !people.isEmpty else { throw CLIError(code: "file_not_found", message: "no images under \(root)") }
    }

    /// The identification protocol: the first image of each person with two or more is enrolled,
    /// their other images are mated probes, and people with one image give non-mated probes.
    var enrolments: [(person: String, image: String)] {
        people.filter { $0.images.count >= 2 }.map { ($0.name, $0.images[0]) }
    }
    var matedProbes: [(person: String, image: String)] {
        people.filter { $0.images.count >= 2 }.flatMap { person in person.images.dropFirst().map { (person.name, $0) } }
    }
    var nonMatedProbes: [String] { people.filter { $0.images.count == 1 }.map { $0.images[0] } }
    var allImages: [String] { people.flatMap(\.images) }
}
