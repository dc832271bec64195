/// What to do when a new face already belongs to another subject.
public enum DuplicatePolicy: String, Sendable, CaseIterable, Codable {
    /// Refuse the enrolment and report the subjects it matched.
    case reject
    /// Enrol anyway, and flag the enrolment and its matches for review.
    case enrollAndFlag = "enroll_and_flag"
}

/// One face to enrol: its embedding and, when assessed, the image's quality.
public struct EnrollmentSample: Sendable {
    public var vector: [Float]
    public var quality: Double?

    public init(vector: [Float], quality: Double?) {
        self.vector = vector
        self.quality = quality
    }
}

/// A request to add faces to a subject.
public struct EnrollmentRequest: Sendable {
    public var tenant: String
    public var subject: String
    public var pack: String
    public var samples: [EnrollmentSample]
    /// The purpose an active consent must cover.
    public var purpose: String
    /// The similarity at which a face is taken to belong to another subject.
    public var duplicateThreshold: Double
    public var policy: DuplicatePolicy
    /// Canonical JSON object text (`SubjectMetadata.json`) for a subject the enrolment creates.
    public var metadata: String?

    public init(
        tenant: String, subject: String, pack: String, samples: [EnrollmentSample],
        purpose: String = Gallery.defaultPurpose, duplicateThreshold: Double, policy: DuplicatePolicy = .reject,
        metadata: String? = nil
    ) {
        self.tenant = tenant
        self.subject = subject
        self.pack = pack
        self.samples = samples
        self.purpose = purpose
        self.duplicateThreshold = duplicateThreshold
        self.policy = policy
        self.metadata = metadata
    }
}

/// Another subject a new face matched.
public struct DuplicateFinding: Sendable, Equatable, Codable {
    public var subject: String
    public var similarity: Double

    public init(subject: String, similarity: Double) {
        self.subject = subject
        self.similarity = similarity
    }
}

/// The outcome of an enrolment.
public struct EnrollmentResult: Sendable, Equatable {
    public enum Status: String, Sendable, Codable {
        /// Stored; no other subject matched.
        case enrolled
        /// Stored, but it matched other subjects (policy `enroll_and_flag`).
        case flagged
        /// Not stored: it matched other subjects (policy `reject`).
        case possibleDuplicate = "possible_duplicate"
    }
    public var status: Status
    public var subject: String
    public var templateIDs: [Int64]
    public var duplicates: [DuplicateFinding]
}
