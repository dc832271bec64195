import FaceKit
import Foundation

extension ClusterWorkflow {
    /// Groups the faces of uploaded photos (decoded one by one; an unreadable photo is listed in
    /// `skipped`, not fatal). Group ids are 1, 2, … in document order.
    public func cluster(_ photos: [[UInt8]], faces: FaceWorkflows, limits: ImageLimits) async throws
        -> ClusterDocument
    {
        var refs: [ClusterDocument.FaceRef] = []
        var vectors: [Float] = []
        var skipped: [ClusterDocument.Skipped] = []
        var ignored = 0
        for (position, bytes) in photos.enumerated() {
            // A caller with a deadline cancels the task; stop between photos rather than finish them all.
            // (An `InferenceBudget` that runs out throws from the next inference instead.)
            try Task.checkCancellation()
            do {
                let image = try await faces.decode(bytes, field: "image[\(position)]", limits: limits)
                let start = ContinuousClock.now
                let found = try await faces.analyzer.detect(in: image)
                var timings = StageTimings()
                timings.detect = ContinuousClock.now - start
                faces.observe(timings)
                let kept = found.filter { face in
                    let box = [face.box.minX, face.box.minY, face.box.maxX, face.box.maxY]
                    let keep = exclusion(box: box, score: face.score, quality: nil) == nil
                    if !keep { ignored += 1 }
                    return keep
                }
                guard !kept.isEmpty else { continue }
                let embeddings = try await faces.analyzer.embed(kept, in: image)
                for (face, embedding) in zip(kept, embeddings) {
                    refs.append(
                        ClusterDocument.FaceRef(
                            image: position, box: [face.box.minX, face.box.minY, face.box.maxX, face.box.maxY],
                            score: face.score))
                    vectors.append(contentsOf: embedding.vector)
                }
            } catch let error as FaceKitError where error.code != .inferenceBudgetExceeded {
                skipped.append(ClusterDocument.Skipped(image: position, code: ProblemCode(error.code)))
            }
        }
        let (groups, unsorted, _, _) = try group(
            vectors: vectors, dimension: faces.analyzer.pack.embedder.dimension, threads: 1)
        return ClusterDocument(
            threshold: threshold,
            groups: groups.enumerated().map { position, rows in
                ClusterDocument.Group(
                    id: position + 1, photos: Set(rows.map { refs[$0].image }).count, faces: rows.map { refs[$0] })
            },
            unsorted: unsorted.map { refs[$0] }, skipped: skipped, facesIgnored: ignored, images: nil)
    }
}
