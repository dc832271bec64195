/// Finding the holder's portrait on a photographed ID page or card.
///
/// The holder's portrait is the largest face; the small secondary "ghost" portrait many
/// documents print is ignored because it is smaller. When no face is found on the whole page,
/// the page is searched in overlapping tiles at full resolution. When the portrait is small,
/// the region around it is cut out and enlarged before detecting again, so that keypoints,
/// landmarks and the template come from a face of useful size.
public enum DocumentPortrait {
    /// Eye distance (pixels) below which the portrait region is enlarged before analysis.
    public static let enlargeBelowInterEyeDistance = 48.0
    /// The eye distance the enlargement aims for.
    public static let targetInterEyeDistance = 64.0
    /// The largest enlargement.
    public static let maxEnlargement = 4.0
}

extension FaceAnalyzer {
    /// Analyses the holder's portrait on a document image: the face in page coordinates, its
    /// template, and its quality against `profile` (the `document` profile by default).
    public func analyzeDocument(
        _ page: Image, detection: DetectionOptions = .default, embedding: EmbeddingOptions = .default,
        profile: QualityProfile = .document
    ) async throws -> FaceAnalysis {
        try await pool.run { networks in
            var timings = StageTimings()
            let start = ContinuousClock.now
            var faces = try FaceDetector.detect(in: page, options: detection, networks: &networks)
            if faces.isEmpty {
                faces = try FaceDetector.detectInTiles(page, options: detection, networks: &networks)
            }
            timings.detect = ContinuousClock.now - start
            let holder = try FaceSelection.largest.pick(from: faces, imageWidth: page.width, imageHeight: page.height)

            guard holder.interEyeDistance < DocumentPortrait.enlargeBelowInterEyeDistance else {
                let vector = try FaceEmbedder.embed(
                    [holder], in: page, options: embedding, networks: &networks, timings: &timings)[0]
                var analysis = FaceAnalysis(faces: faces, face: holder, embedding: vector, timings: timings)
                try analysis.assess(profile, in: page, networks: &networks)
                return analysis
            }

            // Cut out the portrait with a margin of one face width and enlarge it.
            let factor = min(
                DocumentPortrait.maxEnlargement,
                DocumentPortrait.targetInterEyeDistance / max(holder.interEyeDistance, 1))
            let margin = max(holder.box.width, holder.box.height)
            let x0 = max(0, Int(holder.box.minX - margin))
            let y0 = max(0, Int(holder.box.minY - margin))
            let x1 = min(page.width, Int(holder.box.maxX + margin))
            let y1 = min(page.height, Int(holder.box.maxY + margin))
            let region = try page.cropped(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
            let enlarged = try region.resized(
                width: Int(Double(region.width) * factor), height: Int(Double(region.height) * factor))
            let refineStart = ContinuousClock.now
            let local = try FaceDetector.detect(
                in: enlarged, options: DetectionOptions(scoreThreshold: min(detection.scoreThreshold, 0.3)),
                networks: &networks)
            timings.detect += ContinuousClock.now - refineStart
            let refined = try FaceSelection.centered.pick(
                from: local, imageWidth: enlarged.width, imageHeight: enlarged.height)
            let vector = try FaceEmbedder.embed(
                [refined], in: enlarged, options: embedding, networks: &networks, timings: &timings)[0]
            var localAnalysis = FaceAnalysis(faces: local, face: refined, embedding: vector, timings: timings)
            try localAnalysis.assess(profile, in: enlarged, networks: &networks)
            // Report the face in page coordinates; quality was measured on the enlarged crop, so
            // its size component is reported at page scale too.
            let toPage = SimilarityTransform(a: 1 / factor, b: 0, tx: Double(x0), ty: Double(y0))
            var analysis = localAnalysis
            analysis.faces = faces
            analysis.face = refined.transformed(by: toPage)
            analysis.landmarks = try localAnalysis.landmarks.map {
                try FaceLandmarks(points: $0.points.map(toPage.apply))
            }
            analysis.upsampling = factor
            return analysis
        }
    }
}

extension DetectedFace {
    /// The face mapped through a similarity transform without rotation (scale and shift).
    func transformed(by t: SimilarityTransform) -> DetectedFace {
        let a = t.apply(Point(x: box.minX, y: box.minY))
        let b = t.apply(Point(x: box.maxX, y: box.maxY))
        return DetectedFace(
            box: BoundingBox(minX: a.x, minY: a.y, maxX: b.x, maxY: b.y), score: score,
            keypoints: keypoints.map(t.apply))
    }
}

extension FaceDetector {
    /// Detection over overlapping tiles of at most 640 pixels, merged with NMS: finds faces too
    /// small to survive the whole page being shrunk to the detector's input.
    static func detectInTiles(_ image: Image, options: DetectionOptions, networks: inout NetworkSet) throws
        -> [DetectedFace]
    {
        let tile = 640
        let step = 480
        guard image.width > tile || image.height > tile else { return [] }
        var found: [DetectedFace] = []
        var y = 0
        while true {
            var x = 0
            while true {
                let part = try image.cropped(x: x, y: y, width: tile, height: tile)
                let shift = SimilarityTransform(a: 1, b: 0, tx: Double(x), ty: Double(y))
                found += try detect(in: part, options: options, networks: &networks).map { $0.transformed(by: shift) }
                if x + tile >= image.width { break }
                x += step
            }
            if y + tile >= image.height { break }
            y += step
        }
        return NonMaximumSuppression.apply(found, iouThreshold: options.nmsThreshold).sorted {
            $0.box.area > $1.box.area
        }
    }
}
