import FaceKit
import Foundation
import Hummingbird
import Workflows

/// `POST /v1/compare`: one probe face against every face of a target image (the HTTP twin of
/// `likeness find`).
struct CompareController {
    typealias Context = ServiceRequestContext
    let dependencies: ServiceDependencies

    func addRoutes(imageGroup: RouterGroup<Context>) {
        imageGroup.post("compare") { request, _ in try await compare(request) }
    }

    /// `probe` and `target` images, `fmr` (default 1e-4, per comparison).
    func compare(_ request: Request) async throws -> Response {
        let fields = try await ImageRequest.read(
            request, limits: dependencies.configuration, imageFields: ["probe", "target"], otherFields: ["fmr"])
        let point = try dependencies.operatingPoint(
            fmr: try fields.double("fmr"), default: dependencies.configuration.defaultFMR)
        let probeBytes = try fields.image("probe")
        let targetBytes = try fields.image("target")
        async let probe = dependencies.decode(probeBytes, field: "probe")
        async let target = dependencies.decode(targetBytes, field: "target")
        return try JSONBody.response(
            try await dependencies.faces.compare(probe: try await probe, target: try await target, point: point))
    }
}
