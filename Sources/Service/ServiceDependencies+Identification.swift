import FaceKit
import Foundation
import Workflows

extension ServiceDependencies {
    /// The 1:N operating point of a request's `fpir` or `fmr` field (both is 400) for the tenant's
    /// gallery now; refused before any image is decoded.
    func identificationPoint(_ fields: ImageRequest, tenant: String) async throws -> IdentificationPoint {
        let request = try IdentificationPoint.Request(fpir: try fields.double("fpir"), fmr: try fields.double("fmr"))
        return try await people.identificationPoint(request, tenant: tenant)
    }
}
