import FaceKit
import Foundation
import Gallery
import Hummingbird
import Workflows

/// `POST /v1/cluster`: groups the faces of a set of photos by person, as `likeness cluster` does
/// for a folder. Nothing is stored.
struct ClusterController {
    typealias Context = ServiceRequestContext
    let dependencies: ServiceDependencies

    func addRoutes(imageGroup: RouterGroup<Context>) {
        imageGroup.post("cluster") { request, context in try await cluster(request, context) }
    }

    /// `image` (repeatable) or `images`, and `threshold` (0.2…0.95, default 0.45).
    func cluster(_ request: Request, _ context: Context) async throws -> Response {
        _ = try context.requireKey()
        let fields = try await ImageRequest.read(
            request, limits: dependencies.configuration, imageFields: ["image", "images"], otherFields: ["threshold"],
            sequential: true)
        var workflow = ClusterWorkflow()
        workflow.threshold = try fields.double("threshold") ?? workflow.threshold
        guard (0.2...0.95).contains(workflow.threshold) else {
            throw Problem(.badRequest, code: .validationFailed, detail: "threshold must be in 0.2...0.95")
        }
        let images = fields.images("image", "images")
        guard !images.isEmpty else {
            throw Problem(.badRequest, code: .validationFailed, detail: "missing field image")
        }
        // The photos are decoded and analysed one after another, so the time grows with their
        // number: bounded by the request timeout, counted from when the body has been read.
        let (faces, limits) = (dependencies.faces, dependencies.imageLimits)
        let threshold = workflow.threshold
        let document = try await WorkDeadline.run(
            .milliseconds(Int64(dependencies.configuration.requestTimeoutSeconds * 1000)), "clustering"
        ) {
            var workflow = ClusterWorkflow()
            workflow.threshold = threshold
            return try await workflow.cluster(images, faces: faces, limits: limits)
        }
        return try JSONBody.response(document)
    }
}
