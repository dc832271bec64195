import Gallery

/// `identify`: every face of an image, each searched in the gallery (or the reasons it was not),
/// at one operating point for the gallery's size.
public struct IdentifyDocument: Codable, Sendable, Equatable {
    /// One face of the image and what the search found for it.
    public struct Face: Codable, Sendable, Equatable {
        /// `[minX, minY, maxX, maxY]`.
        public var box: [Double]
        public var score: Double
        /// Against the `identification` profile.
        public var quality: QualityDocument?
        /// Whether the face was searched: only faces with no `reasons` are.
        public var searched: Bool
        /// Why the face was not searched (`face_too_small`, `blurred`, …); empty when searched.
        public var reasons: [String]
        /// `match` or `unknown`; null when not searched.
        public var decision: IdentificationDecision?
        /// The matching subject; null when unknown or not searched.
        public var subject: String?
        /// The most similar subjects, best first; empty when not searched.
        public var candidates: [Candidate]

        enum CodingKeys: String, CodingKey {
            case box, score, quality, searched, reasons, decision, subject, candidates
        }

        public init(
            face: FaceDocument, quality: QualityDocument?, reasons: [String], candidates: [Candidate]?
        ) {
            box = face.box
            score = face.score
            self.quality = quality
            searched = candidates != nil
            self.reasons = reasons
            self.candidates = candidates ?? []
            decision = candidates.map(IdentificationDecision.init)
            subject = decision == .match ? candidates?.first?.subject : nil
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(box, forKey: .box)
            try container.encode(score, forKey: .score)
            try container.encodeIfPresent(quality, forKey: .quality)
            try container.encode(searched, forKey: .searched)
            try container.encode(reasons, forKey: .reasons)
            try container.encode(decision, forKey: .decision)  // null when not searched
            try container.encode(subject, forKey: .subject)
            try container.encode(candidates, forKey: .candidates)
        }
    }

    /// Subjects with a template for the model pack when the search ran.
    public var gallerySize: Int
    /// The false-positive identification rate the threshold holds; nil for a raw threshold.
    public var fpir: Double?
    /// Per comparison; nil for a raw threshold.
    public var fmr: Double?
    public var threshold: Double
    /// The largest faces first, at most `max_faces`.
    public var faces: [Face]
    /// Faces found beyond `max_faces`, neither listed nor searched.
    public var facesIgnored: Int

    enum CodingKeys: String, CodingKey {
        case fpir, fmr, threshold, faces
        case gallerySize = "gallery_size"
        case facesIgnored = "faces_ignored"
    }

    public init(point: IdentificationPoint, faces: [Face], facesIgnored: Int) {
        gallerySize = point.gallery.subjects
        fpir = point.fpir
        fmr = point.fmr
        threshold = point.threshold
        self.faces = faces
        self.facesIgnored = facesIgnored
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(gallerySize, forKey: .gallerySize)
        try container.encode(fpir, forKey: .fpir)
        try container.encode(fmr, forKey: .fmr)
        try container.encode(threshold, forKey: .threshold)
        try container.encode(faces, forKey: .faces)
        try container.encode(facesIgnored, forKey: .facesIgnored)
    }
}
