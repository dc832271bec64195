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

            --gallery-size measures galleries of that many people drawn at random (seeded) from those \
            with two or more images, each in its own tenant of the same gallery; the people left out \
            give non-mated searches too (all their images). For each --fpir target the threshold comes \
            from the FPIR model for that gallery's size, and the table shows the FPIR it predicts against \
            the FPIR measured. --held-out-from names a pairs CSV (the calibration's) whose images are \
            reported apart: measured FPIR over the non-mated searches of images it does not name.

            Examples:
              likeness eval-gallery --root lfw/images --select centered
              likeness eval-gallery --root lfw/images --select centered --gallery-size 100,1000,all --fpir 1e-2,1e-3
            """)

    @Option(help: "The folder of person folders.")
    var root: String

    @Option(help: "Operating points (false-match rates) to report.")
    var fmr: [Double] = [1e-3, 1e-4, 1e-5]

    @Option(
        parsing: .singleValue,
        help: "Gallery sizes to measure (people), comma-separated; all means every person with two or more images.")
    var gallerySize: [String] = ["all"]

    @Option(help: "FPIR targets to hold at each gallery size, comma-separated.")
    var fpir: [String] = []

    @Option(
        help: "A pairs CSV (the calibration's): FPIR is also reported over the searches of images it does not name.")
    var heldOutFrom: String?

    @Option(help: "Seed of the random draw of smaller galleries.")
    var seed: UInt64 = 15

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

    /// One FPIR target at one gallery size: predicted by the model against measured.
    struct FPIRRow: Encodable {
        var gallerySize: Int
        var galleryTemplates: Int
        var fpirTarget: Double
        /// nil when the calibration cannot hold the target at this size.
        var fmr: Double?
        var threshold: Double?
        var nonMatedSearches: Int
        var falsePositives: Int?
        var measuredFPIR: Double?
        var heldOutSearches: Int?
        var heldOutFalsePositives: Int?
        var measuredFPIRHeldOut: Double?
        var tpir: Double?

        enum CodingKeys: String, CodingKey {
            case fmr, threshold, tpir
            case gallerySize = "gallery_size"
            case galleryTemplates = "gallery_templates"
            case fpirTarget = "fpir_target"
            case nonMatedSearches = "non_mated_searches"
            case falsePositives = "false_positives"
            case measuredFPIR = "measured_fpir"
            case heldOutSearches = "held_out_searches"
            case heldOutFalsePositives = "held_out_false_positives"
            case measuredFPIRHeldOut = "measured_fpir_held_out"
        }
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
        var fpirTable: [FPIRRow]
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
            case fpirTable = "fpir_table"
        }
    }

    func validate() throws {
        for size in gallerySizes where size != nil && size! < 1 {
            throw ValidationError("--gallery-size must be 1 or more, or all")
        }
        _ = try fpirTargets
    }

    /// nil stands for all.
    var gallerySizes: [Int?] {
        gallerySize.flatMap { $0.split(separator: ",") }.map { $0 == "all" ? nil : Int($0) ?? -1 }
    }

    var fpirTargets: [Double] {
        get throws {
            try fpir.flatMap { $0.split(separator: ",") }.map {
                guard let value = Double($0), value > 0, value < 1 else {
                    throw ValidationError("--fpir values must be rates in (0, 1)")
                }
                return value
            }
        }
    }

    /// The top similarity of every search of one gallery, and how it was enrolled.
    struct Run {
        var tenant: String
        var people: [String]
        var enrolled: Set<String> = []
        var failures = 0
        var flagged: [String: [String]] = [:]
        /// Mated: (person, image, the ranked candidates).
        var mated: [(String, String, [Candidate])] = []
        /// Non-mated: (image, top similarity).
        var nonMated: [(String, Double)] = []
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
        let heldOut: Set<String>? = try heldOutFrom.map { csv in
            let named = Set(try PairList(csvPath: csv).images.map { ($0 as NSString).lastPathComponent })
            return Set(paths.filter { !named.contains(($0 as NSString).lastPathComponent) })
        }

        let pack = analyzer.pack
        let duplicateThreshold = try Workflows.OperatingPoint(
            pack: pack, defaultFMR: Workflows.OperatingPoint.searchFMR
        ).threshold
        let searchThreshold = try pack.decisionThreshold(fmr: Gallery.defaultSearchFMR).threshold
        let enrolable = folders.enrolments
        let sizes = gallerySizes.sorted { ($0 ?? Int.max) < ($1 ?? Int.max) }
        var random = SplitMix64(seed: seed)
        let shuffled = enrolable.shuffled(using: &random)
        var runs: [Run] = []
        for size in sizes {
            let chosen = size.map { Array(shuffled.prefix($0)) } ?? enrolable
            let tenant = size.map { "\(gallery.tenant)-\($0)" } ?? gallery.tenant
            var run = Run(tenant: tenant, people: chosen.map(\.person))
            let enrolProgress = ProgressBar(total: chosen.count, label: "enrol \(chosen.count)")
            for (person, image) in chosen {
                defer { enrolProgress.advance() }
                guard let vector = vectors[image] else {
                    run.failures += 1
                    continue
                }
                if let enrolProfile {
                    let check = FaceSamples(faces: workflows.faces, pipeline: pipeline, profile: enrolProfile)
                    guard case .accepted = await check.sample(image) else {
                        run.failures += 1
                        continue
                    }
                }
                let result = try await store.enroll(
                    EnrollmentRequest(
                        tenant: tenant, subject: person, pack: pack.id,
                        samples: [EnrollmentSample(vector: vector, quality: nil)],
                        duplicateThreshold: duplicateThreshold, policy: .enrollAndFlag))
                if result.status == .flagged { run.flagged[person] = result.duplicates.map(\.subject) }
                run.enrolled.insert(person)
            }
            enrolProgress.finish()
            let inGallery = Set(chosen.map(\.person))
            let mated = folders.matedProbes.filter { run.enrolled.contains($0.person) }
            let nonMated = people.filter { !inGallery.contains($0.name) }.flatMap(\.images)
            let searchProgress = ProgressBar(total: mated.count + nonMated.count, label: "search \(chosen.count)")
            for (person, image) in mated {
                defer { searchProgress.advance() }
                guard let vector = vectors[image] else { continue }
                let candidates = try await store.search(
                    tenant: tenant, pack: pack.id, vector: vector, k: 10, threshold: searchThreshold)
                run.mated.append((person, image, candidates))
            }
            for image in nonMated {
                defer { searchProgress.advance() }
                guard let vector = vectors[image] else { continue }
                let candidates = try await store.search(
                    tenant: tenant, pack: pack.id, vector: vector, k: 1, threshold: searchThreshold)
                run.nonMated.append((image, candidates.first?.similarity ?? -1))
            }
            searchProgress.finish()
            runs.append(run)
        }

        var table: [FPIRRow] = []
        for run in runs {
            let size = try await store.gallerySize(tenant: run.tenant, pack: pack.id)
            for target in try fpirTargets {
                var row = FPIRRow(
                    gallerySize: size.subjects, galleryTemplates: size.templates, fpirTarget: target,
                    nonMatedSearches: run.nonMated.count)
                if let point = try? IdentificationPoint(.fpir(target), pack: pack, gallery: size) {
                    row.fmr = point.fmr
                    row.threshold = point.threshold
                    let above = run.nonMated.filter { $0.1 >= point.threshold }
                    row.falsePositives = above.count
                    row.measuredFPIR = Double(above.count) / Double(max(1, run.nonMated.count))
                    if let heldOut {
                        let searches = run.nonMated.filter { heldOut.contains($0.0) }
                        let falsePositives = searches.filter { $0.1 >= point.threshold }.count
                        row.heldOutSearches = searches.count
                        row.heldOutFalsePositives = falsePositives
                        row.measuredFPIRHeldOut = Double(falsePositives) / Double(max(1, searches.count))
                    }
                    let hits = run.mated.filter { person, _, candidates in
                        candidates.first.map { $0.subject == person && $0.similarity >= point.threshold } ?? false
                    }
                    row.tpir = Double(hits.count) / Double(max(1, run.mated.count))
                }
                table.append(row)
            }
        }

        let last = runs.last!
        let points = try fmr.map { try pack.decisionThreshold(fmr: $0) }
        let rank1 = last.mated.filter { $0.0 == $0.2.first?.subject }.count
        let rank10 = last.mated.filter { person, _, candidates in candidates.contains { $0.subject == person } }.count
        let misidentified = last.mated.filter { $0.0 != $0.2.first?.subject }.map { _, image, candidates in
            [
                (image as NSString).lastPathComponent, candidates.first?.subject ?? "-",
                String(candidates.first?.similarity ?? 0),
            ]
        }
        let searchedMated = last.mated.count
        let searchedNonMated = last.nonMated.count
        let report = Report(
            people: people.count, enrolled: last.enrolled.count, enrolmentFailures: last.failures,
            flaggedAsDuplicate: last.flagged.count, flagged: last.flagged,
            matedSearches: searchedMated, nonMatedSearches: searchedNonMated,
            imagesWithoutFace: paths.count - vectors.count,
            rank1: Double(rank1) / Double(max(1, searchedMated)),
            rank10: Double(rank10) / Double(max(1, searchedMated)),
            operatingPoints: points.map { point in
                let truePositives = last.mated.filter { person, _, candidates in
                    candidates.first.map { $0.subject == person && $0.similarity >= point.threshold } ?? false
                }.count
                let falsePositives = last.nonMated.filter { $0.1 >= point.threshold }.count
                return OperatingPoint(
                    fmr: point.fmr ?? 0, threshold: point.threshold,
                    tpir: Double(truePositives) / Double(max(1, searchedMated)),
                    fpir: Double(falsePositives) / Double(max(1, searchedNonMated)))
            }, misidentified: misidentified, fpirTable: table, seconds: (ContinuousClock.now - start).seconds)
        if json {
            try printJSON(report)
            return
        }
        print(
            "\(report.people) people; enrolled \(report.enrolled) (first image each), \(last.failures) could not be enrolled, \(last.flagged.count) flagged as possible duplicates"
        )
        for (person, others) in last.flagged.sorted(by: { $0.key < $1.key }) {
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
        if !table.isEmpty {
            print(
                "gallery  templates  FPIR target  FMR/comparison  threshold  non-mated  false pos.  measured FPIR  held-out measured  TPIR"
            )
            for row in table {
                guard let fmr = row.fmr, let threshold = row.threshold, let measured = row.measuredFPIR else {
                    print(
                        String(
                            format: "%7d  %9d  %11@  outside the calibration", row.gallerySize, row.galleryTemplates,
                            IdentificationPoint.format(row.fpirTarget)))
                    continue
                }
                let heldOut =
                    row.measuredFPIRHeldOut.map {
                        String(format: "%.4f (%d/%d)", $0, row.heldOutFalsePositives ?? 0, row.heldOutSearches ?? 0)
                    } ?? "-"
                print(
                    String(
                        format: "%7d  %9d  %11@  %14@  %9.4f  %9d  %10d  %13.4f  %17@  %.2f %%", row.gallerySize,
                        row.galleryTemplates, IdentificationPoint.format(row.fpirTarget),
                        IdentificationPoint.format(fmr),
                        threshold, row.nonMatedSearches, row.falsePositives ?? 0, measured, heldOut,
                        (row.tpir ?? 0) * 100))
            }
        }
        print(String(format: "%.1f s", report.seconds))
    }
}
