/// `cluster`: the faces of a set of photos grouped by person. Nothing is stored.
public struct ClusterDocument: Codable, Sendable, Equatable {
    /// A face, by the position of its photo in the set (from 0).
    public struct FaceRef: Codable, Sendable, Equatable {
        public var image: Int
        public var box: [Double]
        public var score: Double

        public init(image: Int, box: [Double], score: Double) {
            self.image = image
            self.box = box.map(Rounding.coordinate)
            self.score = Rounding.score(score)
        }
    }

    public struct Group: Codable, Sendable, Equatable {
        /// Stable across runs where the CLI's cache remembers the group; 1, 2, … otherwise.
        public var id: Int
        /// How many distinct photos the group's faces come from.
        public var photos: Int
        public var faces: [FaceRef]

        public init(id: Int, photos: Int, faces: [FaceRef]) {
            self.id = id
            self.photos = photos
            self.faces = faces
        }
    }

    /// A photo that could not be used, with the error's code.
    public struct Skipped: Codable, Sendable, Equatable {
        public var image: Int
        public var code: ProblemCode

        public init(image: Int, code: ProblemCode) {
            self.image = image
            self.code = code
        }
    }

    public var threshold: Double
    /// Largest first; ties by their first photo.
    public var groups: [Group]
    /// Faces that matched nobody else.
    public var unsorted: [FaceRef]
    public var skipped: [Skipped]
    /// Faces left out as too small, uncertain or (when asked) of low quality.
    public var facesIgnored: Int
    /// The CLI's photo paths by position; the HTTP API numbers its uploads instead.
    public var images: [String]?

    public init(
        threshold: Double, groups: [Group], unsorted: [FaceRef], skipped: [Skipped], facesIgnored: Int,
        images: [String]?
    ) {
        self.threshold = threshold
        self.groups = groups
        self.unsorted = unsorted
        self.skipped = skipped
        self.facesIgnored = facesIgnored
        self.images = images
    }

    enum CodingKeys: String, CodingKey {
        case threshold, groups, unsorted, skipped, images
        case facesIgnored = "faces_ignored"
    }
}
