/// Which face of an image a comparison uses when the image holds more than one.
public enum FaceSelection: String, Sendable, CaseIterable, Codable {
    /// The face with the largest box: the applicant in a selfie or on an ID page.
    case largest
    /// The face whose box centre is nearest the image centre: the subject of a cropped
    /// portrait or photo collection such as LFW, where bystanders can be larger.
    case centered

    /// Picks the face, or throws `no_face`; with `strict`, throws `multiple_faces` when another
    /// face is large (at least half the chosen face's width).
    public func pick(from faces: [DetectedFace], imageWidth: Int, imageHeight: Int, strict: Bool = false) throws
        -> DetectedFace
    {
        guard !faces.isEmpty else { throw FaceKitError(.noFace, "no face was found") }
        let chosen: DetectedFace
        switch self {
        case .largest:
            chosen = faces.max { $0.box.area < $1.box.area }!
        case .centered:
            let center = Point(x: Double(imageWidth) / 2, y: Double(imageHeight) / 2)
            chosen = faces.min { $0.box.center.distance(to: center) < $1.box.center.distance(to: center) }!
        }
        if strict {
            let large = faces.filter { $0.box.width >= 0.5 * chosen.box.width }
            if large.count > 1 {
                throw FaceKitError(.multipleFaces, "\(large.count) large faces were found; exactly one is required")
            }
        }
        return chosen
    }
}
