/// `detect`: every face of an image, the largest first.
public struct DetectDocument: Codable, Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var faces: [FaceDocument]

    public init(width: Int, height: Int, faces: [FaceDocument]) {
        self.width = width
        self.height = height
        self.faces = faces
    }
}
