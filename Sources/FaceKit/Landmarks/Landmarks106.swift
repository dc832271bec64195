/// Indices into the 106-point layout of InsightFace's 2d106det model (image orientation:
/// "left" is the image's left, which is the subject's right).
///
/// Read off the model's output on frontal faces: 0 is the chin, 1–16 and 17–32 the two sides of
/// the jaw contour, 33–42 and 87–96 the eyes, 43–51 and 97–105 the brows, 52–71 the mouth and
/// 72–86 the nose.
enum Landmarks106 {
    static let count = 106
    static let chin = 0

    struct Eye {
        let outerCorner: Int
        let innerCorner: Int
        /// Upper-lid points, from the outer to the inner side, each paired with the lower-lid point below it.
        let upperLid: [Int]
        let lowerLid: [Int]
        let center: Int
    }

    static let leftEye = Eye(
        outerCorner: 35, innerCorner: 39, upperLid: [41, 40, 42], lowerLid: [36, 33, 37], center: 38)
    static let rightEye = Eye(
        outerCorner: 93, innerCorner: 89, upperLid: [96, 94, 95], lowerLid: [91, 87, 90], center: 88)

    static let noseTip = 86
    static let mouthLeft = 52
    static let mouthRight = 61
    /// Midpoints of the inner upper and lower lip edges.
    static let innerUpperLip = 62
    static let innerLowerLip = 60
}
