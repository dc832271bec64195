import FaceKit
import Gallery

/// Recognises a face among the subjects a redaction or a search names.
public protocol SubjectRecognizer: Sendable {
    /// The subjects it compares with.
    var subjects: [String] { get }
    /// Each subject's similarity to `vector` (fused over the subject's templates).
    func similarities(to vector: [Float]) async throws -> [String: Double]
}

/// Named subjects of a tenant's gallery.
public struct GalleryRecognizer: SubjectRecognizer {
    public let gallery: Gallery
    public let tenant: String
    public let pack: String
    public let subjects: [String]

    /// Checks that each subject exists with templates for `pack`; with `purpose`, also splits
    /// off the subjects without an active consent for it.
    public static func make(
        gallery: Gallery, tenant: String, pack: String, subjects: [String], consentPurpose purpose: String?
    ) async throws -> (recognizer: GalleryRecognizer, withoutConsent: [String]) {
        var usable: [String] = []
        var withoutConsent: [String] = []
        for subject in Set(subjects).sorted() {
            let details: SubjectDetails
            do {
                details = try await gallery.details(tenant: tenant, subject: subject)
            } catch let error as GalleryError where error.code == .notFound {
                throw WorkflowError(.notFound, "no subject \(subject) in tenant \(tenant)")
            }
            guard details.templates.contains(where: { $0.pack == pack }) else {
                throw WorkflowError(.notFound, "subject \(subject) has no templates for model pack \(pack)")
            }
            if let purpose, !details.consents.contains(where: { $0.isActive && $0.purpose == purpose }) {
                withoutConsent.append(subject)
            } else {
                usable.append(subject)
            }
        }
        return (GalleryRecognizer(gallery: gallery, tenant: tenant, pack: pack, subjects: usable), withoutConsent)
    }

    public func similarities(to vector: [Float]) async throws -> [String: Double] {
        var result: [String: Double] = [:]
        for subject in subjects {
            result[subject] =
                try await gallery.verify(tenant: tenant, subject: subject, pack: pack, vector: vector, threshold: 1)
                .similarity
        }
        return result
    }
}

/// One probe photo's template.
public struct ProbeRecognizer: SubjectRecognizer {
    public let name: String
    public let probe: FaceEmbedding
    public var subjects: [String] { [name] }

    public init(name: String, probe: FaceEmbedding) {
        self.name = name
        self.probe = probe
    }

    public func similarities(to vector: [Float]) async throws -> [String: Double] {
        [name: Double(FaceEmbedding.dot(probe.vector, vector))]
    }
}
