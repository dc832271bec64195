import Foundation

/// The 106 landmarks of one face and the measures derived from them.
public struct FaceLandmarks: Sendable, Codable, Equatable {
    /// The points in image pixels (InsightFace 2d106det layout).
    public let points: [Point]

    public init(points: [Point]) throws {
        guard points.count == Landmarks106.count else {
            throw FaceKitError(.invalidArgument, "expected \(Landmarks106.count) landmarks, got \(points.count)")
        }
        self.points = points
    }

    /// Eye openness of the eye on the image's left: mean lid gap over eye width (about 0.25–0.4 open, under 0.12 closed).
    public var leftEyeOpenness: Double { openness(Landmarks106.leftEye) }
    /// Eye openness of the eye on the image's right.
    public var rightEyeOpenness: Double { openness(Landmarks106.rightEye) }

    /// Inner-lip gap over mouth width (0 closed, about 0.3 and more wide open).
    public var mouthOpenness: Double {
        let width = points[Landmarks106.mouthLeft].distance(to: points[Landmarks106.mouthRight])
        guard width > 0 else { return 0 }
        let gap = points[Landmarks106.innerLowerLip].y - points[Landmarks106.innerUpperLip].y
        return max(0, gap) / width
    }

    /// Head pose from the landmarks.
    public var pose: HeadPose { HeadPose.estimate(from: self) }

    private func openness(_ eye: Landmarks106.Eye) -> Double {
        let width = points[eye.outerCorner].distance(to: points[eye.innerCorner])
        guard width > 0 else { return 0 }
        let gaps = zip(eye.upperLid, eye.lowerLid).map { points[$0].distance(to: points[$1]) }
        return gaps.reduce(0, +) / Double(gaps.count) / width
    }
}
