import ArgumentParser
import FaceKit
import Foundation
import Gallery
import Workflows

struct EnrollDirCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enroll-dir",
        abstract: "Enrol a folder with one sub-folder of face images per subject (the folder name is the subject id).",
        discussion: """
            Subjects that already have templates are skipped, so an interrupted run can simply be \
            started again. Every image not enrolled is named with why (low_quality and the failed \
            checks, or the error code): after the summary, or with --json in its subject's line \
            (`skipped`). With --quality report, images below the profile are enrolled and named \
            in `quality_failures`. With --json, one line per subject is printed (and flushed) \
            after its enrolment is committed, then a summary line.

            Examples:
              likeness enroll-dir lfw/ --min-images 2 --images-per-subject 3 --no-consent-required
              likeness enroll-dir people/ --consent identity_verification --quality-profile selfie --json
              likeness enroll-dir people/ --consent identity_verification --quality report
            """)

    @Argument(help: "The folder of subject folders.")
    var directory: String

    @Option(help: "Enrol at most this many images per subject (default: all).")
    var imagesPerSubject: Int?

    @Option(help: "Only subjects with at least this many images.")
    var minImages: Int = 1

    @Option(help: "Stop after this many subjects.")
    var limit: Int?

    @Flag(help: "Print JSON lines.")
    var json = false

    @OptionGroup var enrollment: EnrollmentOptions
    @OptionGroup var gallery: GalleryOptions
    @OptionGroup var pipeline: PipelineOptions

    func validate() throws {
        if let imagesPerSubject, imagesPerSubject < 1 { throw ValidationError("--images-per-subject must be positive") }
        guard minImages >= 1 else { throw ValidationError("--min-images must be positive") }
        if let limit, limit < 1 { throw ValidationError("--limit must be positive") }
    }

    /// An image that was not enrolled: `low_quality` with the failed checks, or the error's code.
    struct SkippedImage: Encodable {
        var image: String
        var code: String
        var reasons: [String] = []
        var message: String?
    }

    struct SubjectLine: Encodable {
        var subject: String
        var status: String
        var templates: Int
        var rejectedByQuality: Int
        var failed: Int
        var duplicates: [DuplicateFinding]
        var skipped: [SkippedImage] = []
        /// With --quality report: images enrolled although below the profile.
        var qualityFailures: [RejectedImage] = []

        enum CodingKeys: String, CodingKey {
            case subject, status, templates, duplicates, failed, skipped
            case rejectedByQuality = "rejected_by_quality"
            case qualityFailures = "quality_failures"
        }
    }

    struct Summary: Encodable {
        var subjects = 0
        var enrolled = 0
        var flagged = 0
        var possibleDuplicates = 0
        var skippedExisting = 0
        var withoutUsableImage = 0
        var templates = 0
        var imagesRejectedByQuality = 0
        var qualityReasons: [String: Int] = [:]
        var imagesFailed: [String: Int] = [:]
        var imagesBelowProfileEnrolled = 0
        /// Every image not enrolled, by subject order (text output only; JSON lines carry them per subject).
        var skipped: [SkippedImage] = []
        var reported: [RejectedImage] = []

        enum CodingKeys: String, CodingKey {
            case subjects, enrolled, flagged, templates
            case possibleDuplicates = "possible_duplicates"
            case skippedExisting = "skipped_existing"
            case withoutUsableImage = "without_usable_image"
            case imagesRejectedByQuality = "images_rejected_by_quality"
            case qualityReasons = "quality_reasons"
            case imagesFailed = "images_failed"
            case imagesBelowProfileEnrolled = "images_below_profile_enrolled"
        }
    }

    func run() async throws {
        let subjects = try subjectFolders()
        let analyzer = try pipeline.makeAnalyzer()
        let store = try await gallery.open(requireConsent: !enrollment.noConsentRequired)
        let people = GalleryWorkflows(faces: FaceWorkflows(analyzer: analyzer), gallery: store)
        let faces = FaceSamples(faces: people.faces, pipeline: pipeline, profile: try enrollment.profile())
        var summary = Summary()
        let progress = ProgressBar(total: subjects.count, label: "enrol")
        for chunk in stride(from: 0, to: subjects.count, by: 8).map({
            Array(subjects[$0..<min($0 + 8, subjects.count)])
        }) {
            var pending: [(String, [String])] = []
            for (subject, images) in chunk {
                if let details = try? await store.details(tenant: gallery.tenant, subject: subject),
                    details.subject.erasedAt == nil, !details.templates.isEmpty
                {
                    summary.skippedExisting += 1
                    progress.advance()
                } else {
                    pending.append((subject, images))
                }
            }
            let paths = pending.flatMap(\.1)
            let mode = enrollment.quality
            let outcomes = await concurrentMap(paths, limit: analyzer.workerCount) {
                await faces.sample($0, mode: mode)
            }
            var offset = 0
            for (subject, images) in pending {
                let mine = outcomes[offset..<(offset + images.count)]
                offset += images.count
                try await enroll(subject, images: images, outcomes: Array(mine), people: people, summary: &summary)
                progress.advance()
            }
        }
        progress.finish()
        summary.subjects = subjects.count
        if json {
            try printJSONLine(summary)
        } else {
            print(
                "\(summary.subjects) subjects: \(summary.enrolled) enrolled (\(summary.templates) templates), \(summary.flagged) flagged, \(summary.possibleDuplicates) possible duplicates, \(summary.skippedExisting) already enrolled, \(summary.withoutUsableImage) without a usable image"
            )
            print("\(summary.imagesRejectedByQuality) images rejected by quality")
            for (reason, count) in summary.qualityReasons.sorted(by: { $0.value > $1.value }) {
                print("  \(count) \(reason)")
            }
            for (code, count) in summary.imagesFailed.sorted(by: { $0.value > $1.value }) {
                print("\(count) images failed: \(code)")
            }
            if enrollment.quality == .report {
                print("\(summary.imagesBelowProfileEnrolled) images enrolled below the profile (--quality report)")
                for image in summary.reported {
                    print("  enrolled below the profile: \(image.image): \(image.reasons.joined(separator: ", "))")
                }
            }
            for image in summary.skipped {
                let why = image.reasons.isEmpty ? (image.message ?? "") : image.reasons.joined(separator: ", ")
                print("  skipped \(image.image): \(image.code)\(why.isEmpty ? "" : " (\(why))")")
            }
        }
    }

    private func enroll(
        _ subject: String, images: [String], outcomes: [(outcome: FaceSamples.Outcome, belowProfile: [String])],
        people: GalleryWorkflows, summary: inout Summary
    ) async throws {
        var samples: [EnrollmentSample] = []
        var line = SubjectLine(
            subject: subject, status: "no_usable_image", templates: 0, rejectedByQuality: 0, failed: 0, duplicates: [])
        for (path, (outcome, belowProfile)) in zip(images, outcomes) {
            switch outcome {
            case .accepted(let sample):
                samples.append(sample)
                if !belowProfile.isEmpty {
                    line.qualityFailures.append(RejectedImage(image: path, reasons: belowProfile))
                }
            case .lowQuality(let reasons):
                line.rejectedByQuality += 1
                summary.imagesRejectedByQuality += 1
                for reason in reasons { summary.qualityReasons[reason, default: 0] += 1 }
                line.skipped.append(SkippedImage(image: path, code: ProblemCode.lowQuality.rawValue, reasons: reasons))
            case .failed(let code, let message):
                line.failed += 1
                summary.imagesFailed[code.rawValue, default: 0] += 1
                line.skipped.append(SkippedImage(image: path, code: code.rawValue, message: message))
            }
        }
        if samples.isEmpty {
            summary.withoutUsableImage += 1
        } else {
            let result = try await people.enroll(
                samples: samples,
                plan: try enrollment.plan(subject: subject, tenant: gallery.tenant, pipeline: pipeline),
                qualityFailures: line.qualityFailures)
            line.status = result.status.rawValue
            line.templates = result.templates.count
            line.duplicates = result.duplicates
            summary.templates += result.templates.count
            switch result.status {
            case .enrolled: summary.enrolled += 1
            case .flagged: summary.flagged += 1
            case .possibleDuplicate: summary.possibleDuplicates += 1
            }
        }
        // Below-profile images count as enrolled only when their subject's images were stored.
        if line.status == "enrolled" || line.status == "flagged" {
            summary.imagesBelowProfileEnrolled += line.qualityFailures.count
            summary.reported += line.qualityFailures
        }
        summary.skipped += line.skipped
        if json { try printJSONLine(line) }
    }

    /// Sub-folders in name order, each with its images (capped), filtered by image count.
    private func subjectFolders() throws -> [(String, [String])] {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: directory) else {
            throw CLIError(code: .fileNotFound, message: "\(directory) is not a readable directory")
        }
        var folders: [(String, [String])] = []
        for name in names.sorted() where !name.hasPrefix(".") {
            let path = (directory as NSString).appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
            let images = try ImageFiles.list(in: path)
            guard images.count >= minImages else { continue }
            folders.append((name, Array(images.prefix(imagesPerSubject ?? images.count))))
            if let limit, folders.count == limit { break }
        }
        return folders
    }
}
