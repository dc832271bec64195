import FaceKit

/// One face followed through a video: where the detector saw it, and how it was judged.
public struct FaceTrack: Sendable {
    /// A frame where the detector ran and found this face.
    public struct Sighting: Sendable, Equatable {
        public var frame: Int
        public var box: BoundingBox
        public var score: Double
    }

    /// 1-based, in order of first appearance.
    public let id: Int
    /// In frame order.
    public private(set) var sightings: [Sighting]
    /// Templates of a few sightings, for recognition; never written out.
    var templates: [[Float]] = []
    /// Detection passes since the last sighting.
    var missedPasses = 0

    init(id: Int, first: Sighting) {
        self.id = id
        sightings = [first]
    }

    mutating func add(_ sighting: Sighting) {
        sightings.append(sighting)
        missedPasses = 0
    }

    public var firstFrame: Int { sightings[0].frame }
    public var lastFrame: Int { sightings[sightings.count - 1].frame }

    /// The region to hide at `frame`, or nil outside the track's reach.
    ///
    /// Between two sightings the box is interpolated and grown with the distance to the nearer
    /// one (the detector missed the face there, so it may have moved); before the first and
    /// after the last sighting the nearest box is carried `reach` frames and grown the same way,
    /// so a face that turns away, is blurred by motion or is cut by the frame edge stays hidden
    /// in the frames around those where it was found.
    public func region(atFrame frame: Int, reach: Int, growthPerFrame: Double = 0.02) -> BoundingBox? {
        guard frame >= firstFrame - reach, frame <= lastFrame + reach else { return nil }
        let grown = { (box: BoundingBox, distance: Int) in
            box.expanded(by: min(0.5, growthPerFrame * Double(distance)))
        }
        if frame <= firstFrame { return grown(sightings[0].box, firstFrame - frame) }
        if frame >= lastFrame { return grown(sightings[sightings.count - 1].box, frame - lastFrame) }
        // The last sighting at or before the frame (binary search: tracks can be long).
        var low = 0
        var high = sightings.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if sightings[mid].frame <= frame { low = mid } else { high = mid - 1 }
        }
        let before = sightings[low]
        if before.frame == frame { return before.box }
        let after = sightings[low + 1]
        let t = Double(frame - before.frame) / Double(after.frame - before.frame)
        let mix = { (a: Double, b: Double) in a + (b - a) * t }
        let box = BoundingBox(
            minX: mix(before.box.minX, after.box.minX), minY: mix(before.box.minY, after.box.minY),
            maxX: mix(before.box.maxX, after.box.maxX), maxY: mix(before.box.maxY, after.box.maxY))
        // Adjacent detection passes are `every` frames apart: only a longer gap is a miss.
        return grown(box, min(frame - before.frame, after.frame - frame) - 1)
    }
}

/// Links each pass's detections to the tracks of earlier passes by overlap.
struct FaceTracker {
    /// Overlap with a track's last box, grown to allow for motion, that continues the track.
    var minimumOverlap = 0.2
    /// Passes a track survives without a sighting before a new face may no longer join it.
    var patience: Int
    private(set) var tracks: [FaceTrack] = []
    private var open: [Int] = []

    init(patience: Int) {
        self.patience = patience
    }

    /// Adds one detection pass; returns the track index of each face, in the faces' order.
    mutating func update(frame: Int, faces: [DetectedFace]) -> [Int] {
        var pairs: [(overlap: Double, track: Int, face: Int)] = []
        for track in open {
            let last = tracks[track].sightings[tracks[track].sightings.count - 1].box.expanded(by: 0.25)
            for (index, face) in faces.enumerated() {
                let overlap = last.intersectionOverUnion(with: face.box.expanded(by: 0.25))
                if overlap >= minimumOverlap { pairs.append((overlap, track, index)) }
            }
        }
        pairs.sort { $0.overlap > $1.overlap }
        var assignment = [Int?](repeating: nil, count: faces.count)
        var taken = Set<Int>()
        for pair in pairs where assignment[pair.face] == nil && !taken.contains(pair.track) {
            assignment[pair.face] = pair.track
            taken.insert(pair.track)
        }
        for track in open where !taken.contains(track) { tracks[track].missedPasses += 1 }
        var result: [Int] = []
        for (index, face) in faces.enumerated() {
            let sighting = FaceTrack.Sighting(frame: frame, box: face.box, score: face.score)
            if let track = assignment[index] {
                tracks[track].add(sighting)
                result.append(track)
            } else {
                tracks.append(FaceTrack(id: tracks.count + 1, first: sighting))
                open.append(tracks.count - 1)
                result.append(tracks.count - 1)
            }
        }
        open.removeAll { tracks[$0].missedPasses > patience }
        return result
    }

    mutating func addTemplate(_ vector: [Float], toTrack track: Int) {
        tracks[track].templates.append(vector)
    }

    func templateCount(ofTrack track: Int) -> Int { tracks[track].templates.count }
    func sightingCount(ofTrack track: Int) -> Int { tracks[track].sightings.count }
}
