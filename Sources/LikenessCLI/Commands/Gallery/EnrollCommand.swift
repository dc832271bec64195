import ArgumentParser
import FaceKit
import Foundation
import Gallery
import Workflows

/// Options every enrolling command shares: consent, quality and the duplicate rule.
struct EnrollmentOptions: ParsableArguments {
    @Option(help: "Record the subject's consent for this purpose before enrolling (the operator attests it was given).")
    var consent: String?

    @Option(help: "A file with the consent text the person agreed to (default: the built-in text).")
    var consentText: String?

    @Option(help: "The version of that consent text.")
    var consentTextVersion: String = "likeness-default-1"

    @Option(help: "The purpose an active consent must cover.")
    var purpose: String = Gallery.defaultPurpose

    @Option(help: "What to do when a face matches another subject.")
    var policy: DuplicatePolicy = .reject

    @Option(help: "The false-match rate at which a face counts as another subject's.")
    var duplicateFMR: Double = OperatingPoint.searchFMR

    @Option(
        help: "Quality profile each image is judged by (built-in: enrollment, selfie, document; more with --profiles).")
    var qualityProfile: String = "enrollment"

    @Option(
        help: ArgumentHelp(
            "enforce: an image below the profile stops the enrolment; report: it is enrolled and named with its reasons.",
            valueName: "mode"))
    var quality: QualityMode = .enforce

    @Flag(help: "Enrol without checking image quality.")
    var noQuality = false

    @Flag(help: "Enrol without a recorded consent (for data you hold under another legal basis).")
    var noConsentRequired = false

    @OptionGroup var profiles: QualityOptions

    func validate() throws {
        guard duplicateFMR > 0 && duplicateFMR < 1 else { throw ValidationError("--duplicate-fmr must be in (0, 1)") }
        if consent != nil && noConsentRequired {
            throw ValidationError("--consent and --no-consent-required contradict each other")
        }
    }

    func profile() throws -> QualityProfile? {
        noQuality ? nil : try profiles.profile(named: qualityProfile)
    }

    func consentWording() throws -> String {
        guard let consentText else { return ConsentGrant.defaultText }
        guard let data = FileManager.default.contents(atPath: consentText) else {
            throw CLIError(code: .fileNotFound, message: "cannot read \(consentText)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The enrolment workflow's plan from these options (recording consent first when asked to).
    func plan(subject: String, tenant: String, pipeline: PipelineOptions) throws -> EnrollmentPlan {
        EnrollmentPlan(
            tenant: tenant, subject: subject, purpose: consent ?? purpose, policy: policy, duplicateFMR: duplicateFMR,
            profile: try profile(), qualityMode: quality, settings: pipeline.settings,
            consent: try consent.map {
                ConsentGrant(
                    purpose: $0, textVersion: consentTextVersion, text: try consentWording(), evidence: "cli")
            })
    }
}

struct EnrollCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enroll",
        abstract: "Enrol one subject's face images into the gallery.",
        discussion: """
            Each image must show one face that passes the enrollment quality profile. The gallery is \
            searched first: a face that matches another subject at the duplicate operating point is \
            reported (possible_duplicate) and, with the default policy, not enrolled. Every image \
            below the quality profile is named with its reasons: with --quality enforce nothing is \
            enrolled (low_quality), with --quality report the images are enrolled and listed. Exit \
            status: 0 enrolled (or flagged), 1 possible duplicate, 2 error.

            Examples:
              likeness enroll --subject yao --consent identity_verification yao1.jpg yao2.jpg
              likeness enroll --subject yao --quality-profile selfie --json yao.jpg
              likeness enroll --subject yao --quality report --data /srv/likeness/data yao.jpg
            """)

    @Option(help: "The subject's id in your system.")
    var subject: String

    @Argument(help: "Face images of the subject.")
    var images: [String]

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var enrollment: EnrollmentOptions
    @OptionGroup var gallery: GalleryOptions
    @OptionGroup var pipeline: PipelineOptions

    func validate() throws {
        guard !images.isEmpty, images.count <= 100 else { throw ValidationError("give 1 to 100 images") }
    }

    func run() async throws {
        let faces = FaceWorkflows(analyzer: try pipeline.makeAnalyzer())
        let loaded = await concurrentMap(images, limit: faces.analyzer.workerCount) { path in
            do { return Result<Image, any Error>.success(try await pipeline.load(path, with: faces.analyzer)) } catch {
                return .failure(error)
            }
        }
        let named = try zip(images, loaded).map { NamedImage(name: $0, image: try $1.get()) }
        let people = GalleryWorkflows(
            faces: faces, gallery: try await gallery.open(requireConsent: !enrollment.noConsentRequired))
        let result = try await people.enroll(
            named, plan: try enrollment.plan(subject: subject, tenant: gallery.tenant, pipeline: pipeline))
        if json {
            try printJSON(result)
        } else {
            switch result.status {
            case .enrolled: print("enrolled \(subject): \(result.templates.count) template(s)")
            case .flagged: print("enrolled \(subject) and flagged: it matches other subjects")
            case .possibleDuplicate: print("possible_duplicate: \(subject) was not enrolled; it matches other subjects")
            }
            for failure in result.qualityFailures {
                print(
                    "  below \(result.profile ?? "the") profile: \(failure.image): \(failure.reasons.joined(separator: ", "))"
                )
            }
            for duplicate in result.duplicates {
                print(String(format: "  %@ similarity %.4f", duplicate.subject, duplicate.similarity))
            }
        }
        if result.status == .possibleDuplicate { throw ExitCode(1) }
    }
}

extension QualityMode: ExpressibleByArgument {}
