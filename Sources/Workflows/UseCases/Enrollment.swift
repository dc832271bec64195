import FaceKit
import Foundation
import Gallery

/// What to enrol and under which rules.
public struct EnrollmentPlan: Sendable {
    public var tenant: String
    public var subject: String
    /// The purpose an active consent must cover.
    public var purpose: String
    public var policy: DuplicatePolicy
    /// The false-match rate at which a face counts as another subject's.
    public var duplicateFMR: Double
    /// The quality profile each image must pass; nil skips the check.
    public var profile: QualityProfile?
    /// Whether an image below the profile stops the enrolment or is enrolled and reported.
    public var qualityMode: QualityMode
    public var settings: AnalysisSettings
    /// A consent to record first (the operator attests it was given), or nil.
    public var consent: ConsentGrant?

    public init(
        tenant: String, subject: String, purpose: String = Gallery.defaultPurpose, policy: DuplicatePolicy = .reject,
        duplicateFMR: Double = OperatingPoint.searchFMR, profile: QualityProfile? = .enrollment,
        qualityMode: QualityMode = .enforce, settings: AnalysisSettings = .init(), consent: ConsentGrant? = nil
    ) {
        self.tenant = tenant
        self.subject = subject
        self.purpose = purpose
        self.policy = policy
        self.duplicateFMR = duplicateFMR
        self.profile = profile
        self.qualityMode = qualityMode
        self.settings = settings
        self.consent = consent
    }
}

/// A consent to record: its purpose, the text's version and the text itself (only its hash is kept).
public struct ConsentGrant: Sendable {
    public var purpose: String
    public var textVersion: String
    public var text: String
    public var evidence: String?

    public init(purpose: String, textVersion: String, text: String, evidence: String? = nil) {
        self.purpose = purpose
        self.textVersion = textVersion
        self.text = text
        self.evidence = evidence
    }

    /// The built-in text recorded when the operator names a purpose but no text.
    public static let defaultText = """
        I agree that my face may be processed to create a biometric template used to verify my \
        identity, stored encrypted, and erased when I withdraw this consent or ask for erasure.
        """
}

/// One image to enrol, with the name its errors use (a form field, a file path).
public struct NamedImage: Sendable {
    public var name: String
    public var image: Image

    public init(name: String, image: Image) {
        self.name = name
        self.image = image
    }
}

extension GalleryWorkflows {
    /// Enrols the images' faces under the plan: each image's quality, the consent (recorded if the
    /// plan carries one, else checked before any inference), then the duplicate search. A face
    /// matching another subject is never merged silently: `possible_duplicate` comes back as the
    /// document's status, for the caller to answer with. Every image below the profile is named
    /// with its reasons: in the `low_quality` error (mode `enforce`, nothing enrolled) or in the
    /// document's `quality_failures` (mode `report`).
    public func enroll(_ images: [NamedImage], plan: EnrollmentPlan) async throws -> EnrollmentDocument {
        guard !images.isEmpty, images.count <= 100 else {
            throw WorkflowError(.validationFailed, "enrol 1 to 100 images at a time")
        }
        // Without a consent to record, a subject that could not be enrolled anyway is refused
        // before any inference.
        if plan.consent == nil {
            try await gallery.checkConsent(tenant: plan.tenant, subject: plan.subject, purpose: plan.purpose)
        }
        // Analysed together: the analyzer's worker pool bounds the inference running at once.
        let assessed = try await withThrowingTaskGroup(of: (Int, AssessedSample).self) { group in
            for (position, named) in images.enumerated() {
                group.addTask {
                    (position, try await faces.assess(named, profile: plan.profile, settings: plan.settings))
                }
            }
            var ordered = [AssessedSample?](repeating: nil, count: images.count)
            for try await (position, sample) in group { ordered[position] = sample }
            return ordered.compactMap { $0 }
        }
        let failures = assessed.compactMap(\.failure)
        if !failures.isEmpty && plan.qualityMode == .enforce {
            throw WorkflowError.lowQuality(failures, of: images.count, profile: plan.profile?.name ?? "")
        }
        return try await enroll(samples: assessed.map(\.sample), plan: plan, qualityFailures: failures)
    }

    /// Enrols faces already turned into samples (`sample(_:profile:settings:)`), recording the
    /// plan's consent first: only once every image has passed, so a refused photo leaves no
    /// consent behind. `qualityFailures` are the samples below the profile enrolled in mode
    /// `report`, for the document to name.
    public func enroll(samples: [EnrollmentSample], plan: EnrollmentPlan, qualityFailures: [RejectedImage] = [])
        async throws -> EnrollmentDocument
    {
        if let consent = plan.consent {
            _ = try await gallery.grantConsent(
                tenant: plan.tenant, subject: plan.subject, purpose: consent.purpose,
                textVersion: consent.textVersion, text: consent.text, evidence: consent.evidence)
        }
        let point = try OperatingPoint(pack: pack, fmr: plan.duplicateFMR, defaultFMR: plan.duplicateFMR)
        let result = try await gallery.enroll(
            EnrollmentRequest(
                tenant: plan.tenant, subject: plan.subject, pack: pack.id, samples: samples, purpose: plan.purpose,
                duplicateThreshold: point.threshold, policy: plan.policy))
        return EnrollmentDocument(result, profile: plan.profile?.name, qualityFailures: qualityFailures)
    }
}

/// One image's face as an enrolment sample, and why it fell below the quality profile (nil: it
/// passed, or there was no profile).
public struct AssessedSample: Sendable {
    public var sample: EnrollmentSample
    public var failure: RejectedImage?
}

extension FaceWorkflows {
    /// One image's face as an enrolment sample; `low_quality` (with the reasons) when it fails the profile.
    public func sample(_ named: NamedImage, profile: QualityProfile?, settings: AnalysisSettings) async throws
        -> EnrollmentSample
    {
        let assessed = try await assess(named, profile: profile, settings: settings)
        if let failure = assessed.failure {
            throw WorkflowError.lowQuality([failure], of: 1, profile: profile?.name ?? "")
        }
        return assessed.sample
    }

    /// One image's face as an enrolment sample, judged by `profile` but kept whatever the verdict.
    public func assess(_ named: NamedImage, profile: QualityProfile?, settings: AnalysisSettings) async throws
        -> AssessedSample
    {
        let analysis = try await analyze(named.image, field: named.name, settings: settings, profile: profile)
        let failure = analysis.quality.flatMap { quality in
            quality.passed ? nil : RejectedImage(image: named.name, reasons: quality.reasons)
        }
        return AssessedSample(
            sample: EnrollmentSample(vector: analysis.embedding.vector, quality: analysis.quality?.unifiedScore),
            failure: failure)
    }
}

extension WorkflowError {
    /// `low_quality` naming every image below the profile, with `reasons` the union of theirs.
    static func lowQuality(_ rejected: [RejectedImage], of count: Int, profile: String) -> WorkflowError {
        var reasons: [String] = []
        for reason in rejected.flatMap(\.reasons) where !reasons.contains(reason) { reasons.append(reason) }
        let message =
            count == 1
            ? "\(rejected[0].image) does not meet the \(profile) quality profile: "
                + rejected[0].reasons.joined(separator: "; ")
            : "\(rejected.count) of \(count) images do not meet the \(profile) quality profile: "
                + rejected.map { "\($0.image) (\($0.reasons.joined(separator: ", ")))" }.joined(separator: "; ")
        return WorkflowError(.lowQuality, message, reasons: reasons, rejected: rejected)
    }
}
