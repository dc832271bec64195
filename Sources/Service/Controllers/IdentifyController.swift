import FaceKit
import Foundation
import Hummingbird
import Workflows

/// `POST /v1/identify`: every face of an image searched within the key's tenant.
struct IdentifyController {
    typealias Context = ServiceRequestContext
    let dependencies: ServiceDependencies

    func addRoutes(imageGroup: RouterGroup<Context>) {
        imageGroup.post("identify") { request, context in try await identify(request, context) }
    }

    /// `image`, `k` (1…100, default 5), `fpir` (default 1e-3) or `fmr`, `max_faces` (1…100,
    /// default 20), `min_face_size` (pixels, default 0).
    func identify(_ request: Request, _ context: Context) async throws -> Response {
        let key = try context.requireKey()
        let fields = try await ImageRequest.read(
            request, limits: dependencies.configuration, imageFields: ["image"],
            otherFields: ["k", "fmr", "fpir", "max_faces", "min_face_size"])
        let options = IdentifyOptions(
            k: try fields.int("k") ?? IdentifyOptions.defaultK,
            maxFaces: try fields.int("max_faces") ?? IdentifyOptions.defaultMaxFaces,
            minFaceSize: try fields.double("min_face_size") ?? DetectionOptions.default.minFaceSize)
        try options.validate()
        let point = try await dependencies.identificationPoint(fields, tenant: key.tenantName)
        let image = try await dependencies.decode(try fields.image("image"), field: "image")
        return try JSONBody.response(
            try await dependencies.people.identify(image, tenant: key.tenantName, point: point, options: options))
    }
}
