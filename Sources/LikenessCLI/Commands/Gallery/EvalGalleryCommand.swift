import ArgumentParser
import FaceKit
import Foundation
import Gallery
import Workflows

struct EvalGalleryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval-gallery",
        abstract: "Measure 1:N identification on a folder of people (one sub-folder per person, like LFW).",
        discussion: """
            The first image of every person with at least two images is enrolled in a real gallery \
            (a throwaway data directory unless --data is given); every other image of those people is \
            searched (mated searches: rank-1 identification rate, and the true-positive rate at each \
            operating point), and every image of the people with one image (non-mated searches: \
            false-positive identification rate, FPIR, at each operating point).
            """)

    @Option(help: "The folder of person folders.")
    var root: String

    @Option(help: "Operating points (false-match rates) to report.")
    var fmr: [Double] = [1e-3, 1e-4, 1e-5]

    @Flag(help: "Check image quality with the enrollment profile when enrolling (LFW's small faces fail it).")
    var quality = false

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var gallery: GalleryOptions
    @OptionGroup var pipeline: PipelineOptions

    struct OperatingPoint: Encodable {
        var fmr: Double
        var threshold: Double
        var tpir: Double
        var fpir: Double
    }

    struct Report: Encodable {
        var people: Int
        var enrolled: Int
        var enrolmentFailures: Int
        var flaggedAsDuplicate: Int
        var flagged: [String: [String]]
        var matedSearches: Int
        var nonMatedSearches: Int
        var imagesWithoutFace: Int
        var rank1: Double
        var rank10: Double
        var operatingPoints: [OperatingPoint]
        var misidentified: [[String]]
        var seconds: Double

        enum CodingKeys: String, CodingKey {
            case people, enrolled, rank1 = "rank_1", rank10 = "rank_10", seconds, misidentified
            case enrolmentFailures = "enrolment_failures"
            case flaggedAsDuplicate = "flagged_as_duplicate"
            case flagged
            case matedSearches = "mated_searches"
            case nonMatedSearches = "non_mated_searches"
            case imagesWithoutFace = "images_without_face"
            case operatingPoints = "operating_points"
        }
    }

    func run() async throws {
        let start = ContinuousClock.now
        let folders = try PeopleFolders(root: root)
        let people = folders.people
        let analyzer = try pipeline.makeAnalyzer()
        let enrolProfile = quality ? QualityProfile.builtIn["enrollment"] : nil
        let paths = folders.allImages
        let progress = ProgressBar(total: paths.count, label: "embed")
        let scratch = gallery.data == nil
        let directory =
            scratch
            ? FileManager.default.temporaryDirectory.appendingPathComponent("likeness-eval-\(UUID().uuidString)")
            : gallery.directory
        defer { if scratch { try? FileManager.default.removeItem(at: directory) } }
        var configuration = GalleryConfiguration()
        configuration.requireConsent = false  // labelled research data, not people enrolling
        configuration.actor = "eval"
        let store = try await Gallery.open(directory: directory, configuration: configuration)
        let workflows = GalleryWorkflows(faces: FaceWorkflows(analyzer: analyzer), gallery: store)
        let faces = FaceSamples(faces: workflows.faces, pipeline: pipeline, profile: nil)
        let outcomes = await concurrentMap(paths, limit: analyzer.workerCount) { path in
            defer { progress.advance() }
            return await faces.sample(path)
        }
        progress.finish()
        var vectors: [String: [Float]] = [:]
        for (path, outcome) in zip(paths, outcomes) {
            if case .accepted(let sample) = outcome { vectors[path] = sample.vector }
        }

        let pack = analyzer.pack
        let duplicateThreshold = try Workflows.OperatingPoint(pack: pack, defaultFMR: Workflows.OperatingPoint.searchFMR).threshold

        var enrolled = Set<String>()
        var failures = 0
        var flagged: [String: [String]] = [:]
        let enrolProgress = ProgressBar(total: folders.enrolments.count, label: "enrol")
        for (person, image) in folders.enrolments {
            defer { enrolProgress.advance() }
            guard let vector = vectors[image] else {
                failures += 1
                continue
            }
            if let enrolProfile {
                let check = FaceSamples(faces: workflows.faces, pipeline: pipeline, profile: enrolProfile)
                guard case .accepted = await check.sample(image) else {
                    failures += 1
                    continue
                }
            }
            let result = try await store.enroll(
                EnrollmentRequest(
                    tenant: gallery.tenant, subject: person, pack: pack.id,
                    samples: [EnrollmentSample(vector: vector, quality: nil)], duplicateThreshold: duplicateThreshold,
                    policy: .enrollAndFlag))
            if result.status == .flagged { flagged[person] = result.duplicates.map(\.subject) }
            enrolled.insert(person)
        }
        let mated = folders.matedProbes.filter { enrolled.contains($0.person) }
        let nonMated = folders.nonMatedProbes
        enrolProgress.finish()

        let points = try fmr.map { try pack.decisionThreshold(fmr: $0) }
        let defaultThreshold = try pack.decisionThreshold(fmr: Gallery.defaultSearchFMR).threshold
        var rank1 = 0
        var rank10 = 0
        var truePositives = [Int](repeating: 0, count: points.count)
        var falsePositives = [Int](repeating: 0, count: points.count)
        var misidentified: [[String]] = []
        var searchedMated = 0
        var searchedNonMated = 0
        let searchProgress = ProgressBar(total: mated.count + nonMated.count, label: "search")
        for (person, image) in mated {
            defer { searchProgress.advance() }
            guard let vector = vectors[image] else { continue }
            searchedMated += 1
            let candidates = try await store.search(
                tenant: gallery.tenant, pack: pack.id, vector: vector, k: 10, threshold: defaultThreshold)
            if candidates.first?.subject == person {
                rank1 += 1
                for (i, point) in points.enumerated() where candidates[0].similarity >= point.threshold {
                    truePositives[i] += 1
                }
            } else {
                misidentified.append([
                    (image as NSString).lastPathComponent, candidates.first?.subject ?? "-",
                    String(candidates.first?.similarity ?? 0),
                ])
            }
            if candidates.contains(where: { $0.subject == person }) { rank10 += 1 }
        }
        for image in nonMated {
            defer { searchProgress.advance() }
            guard let vector = vectors[image] else { continue }
            searchedNonMated += 1
            let candidates = try await store.search(
                tenant: gallery.tenant, pack: pack.id, vector: vector, k: 1, threshold: defaultThreshold)
            for (i, point) in points.enumerated() where (candidates.first?.similarity ?? -1) >= point.threshold {
                falsePositives[i] += 1
            }
        }
        searchProgress.finish()
        let report = Report(
            people: people.count, enrolled: enrolled.count, enrolmentFailures: failures,
            flaggedAsDuplicate: flagged.count, flagged: flagged,
            matedSearches: searchedMated, nonMatedSearches: searchedNonMated,
            imagesWithoutFace: paths.count - vectors.count,
            rank1: Double(rank1) / Double(max(1, searchedMated)),
            rank10: Double(rank10) / Double(max(1, searchedMated)),
            operatingPoints: points.enumerated().map { i, point in
                OperatingPoint(
                    fmr: point.fmr ?? 0, threshold: point.threshold,
                    tpir: Double(truePositives[i]) / Double(max(1, searchedMated)),
                    fpir: Double(falsePositives[i]) / Double(max(1, searchedNonMated)))
            }, misidentified: misidentified, seconds: (ContinuousClock.now - start).seconds)
        if json {
            try printJSON(report)
            return
        }
        print(
            "\(report.people) people; enrolled \(report.enrolled) (first image each), \(failures) could not be enrolled, \(flagged.count) flagged as possible duplicates"
        )
        for (person, others) in flagged.sorted(by: { $0.key < $1.key }) {
            print("  flagged: \(person) matches \(others.joined(separator: ", "))")
        }
        print(
            String(
                format: "mated searches %d: rank-1 %.2f %% (%d wrong), rank-10 %.2f %%", searchedMated,
                report.rank1 * 100, searchedMated - rank1, report.rank10 * 100))
        print("non-mated searches \(searchedNonMated); images without a face \(report.imagesWithoutFace)")
        for point in report.operatingPoints {
            print(
                String(
                    format: "  FMR %.0e  threshold %.4f  TPIR %.2f %%  FPIR %.2f %%", point.fmr, point.threshold,
                    point.tpir * 100, point.fpir * 100))
        }
        for wrong in misidentified.prefix(20) { print("  misidentified: \(wrong.joined(separator: " → "))") }
        print(String(format: "%.1f s", report.seconds))
    }
}
