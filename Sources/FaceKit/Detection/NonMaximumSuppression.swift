/// Greedy non-maximum suppression.
enum NonMaximumSuppression {
    /// Keeps the best-scoring faces, dropping any whose box overlaps a kept one by more than
    /// `iouThreshold`. The result is ordered by descending score.
    static func apply(_ faces: [DetectedFace], iouThreshold: Double) -> [DetectedFace] {
        let ordered = faces.sorted { $0.score > $1.score }
        var kept: [DetectedFace] = []
        for face in ordered where !kept.contains(where: { $0.box.intersectionOverUnion(with: face.box) > iouThreshold })
        {
            kept.append(face)
        }
        return kept
    }
}
