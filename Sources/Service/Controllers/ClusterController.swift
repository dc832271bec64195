import Clustering
import FaceKit
import Foundation
import Gallery
import Hummingbird

/// `POST /v1/cluster`: groups the faces of a set of photos by person, as `likeness cluster` does
/// for a folder. Nothing is stored.
struct ClusterController {
    typealias Context = ServiceRequestContext
    let dependencies: ServiceDependencies

    /// `GraphClustering`'s default, as the Double the API reports.
    static let defaultThreshold = 0.45

    func addRoutes(imageGroup: RouterGroup<Context>) {
        imageGroup.post("cluster") { request, context in try await cluster(request, context) }
    }

    struct FaceRef: Encodable {
        /// The position of the photo in the request, from 0.
        var image: Int
        var box: [Double]
        var score: Double
    }

    struct Group: Encodable {
        var id: Int
        var faces: [FaceRef]
    }

    struct Skipped: Encodable {
        var image: Int
        var code: String
    }

    struct ClusterAnswer: Encodable {
        var threshold: Double
        var groups: [Group]
        /// Faces that matched nobody else.
        var unsorted: [FaceRef]
        /// Photos that could not be read.
        var skipped: [Skipped]
        /// Faces left out as too small (under 24 px) or uncertain (detector score under 0.6).
        var facesIgnored: Int

        enum CodingKeys: String, CodingKey {
            case threshold, groups, unsorted, skipped
            case facesIgnored = "faces_ignored"
        }
    }

    func cluster(_ request: Request, _ context: Context) async throws -> Response {
        _ = try context.requireKey()
        let fields = try await ImageRequest.read(
            request, limits: dependencies.configuration, imageFields: ["image", "images"], otherFields: ["threshold"])
        let threshold = try fields.double("threshold") ?? ClusterController.defaultThreshold
        guard (0.2...0.95).contains(threshold) else {
            throw Problem(.badRequest, code: "validation_failed", detail: "threshold must be in 0.2...0.95")
        }
        let images = fields.images("image", "images")
        guard !images.isEmpty else {
            throw Problem(.badRequest, code: "validation_failed", detail: "missing field image")
        }
        var refs: [FaceRef] = []
        var vectors: [Float] = []
        var skipped: [Skipped] = []
        var ignored = 0
        for (position, bytes) in images.enumerated() {
            do {
                let image = try await dependencies.decode(bytes, field: "image[\(position)]")
                let start = ContinuousClock.now
                let faces = try await dependencies.analyzer.detect(in: image).filter { face in
                    let keep = min(face.box.width, face.box.height) >= 24 && face.score >= 0.6
                    if !keep { ignored += 1 }
                    return keep
                }
                var timings = StageTimings()
                timings.detect = ContinuousClock.now - start
                dependencies.metrics.inference(timings)
                guard !faces.isEmpty else { continue }
                let embeddings = try await dependencies.analyzer.embed(faces, in: image)
                for (face, embedding) in zip(faces, embeddings) {
                    let body = FaceBody(face)
                    refs.append(FaceRef(image: position, box: body.box, score: body.score))
                    vectors.append(contentsOf: embedding.vector)
                }
            } catch let error as FaceKitError {
                skipped.append(Skipped(image: position, code: error.code.rawValue))
            }
        }
        let dimension = dependencies.gallery.configuration.dimension
        let graph = try NeighbourGraph.build(vectors: vectors, dimension: dimension, k: 10, threads: 1)
        let labels = GraphClustering(threshold: Float(threshold)).labels(graph: graph)
        var members: [Int: [FaceRef]] = [:]
        for (ref, label) in zip(refs, labels) { members[label, default: []].append(ref) }
        let groups = members.values.filter { $0.count > 1 }.sorted {
            $0.count > $1.count || ($0.count == $1.count && $0[0].image < $1[0].image)
        }
        let unsorted = members.values.filter { $0.count == 1 }.map { $0[0] }.sorted { $0.image < $1.image }
        return try JSONBody.response(
            ClusterAnswer(
                threshold: threshold, groups: groups.enumerated().map { Group(id: $0.offset + 1, faces: $0.element) },
                unsorted: unsorted, skipped: skipped, facesIgnored: ignored))
    }
}
