import Foundation
import Hummingbird
import Workflows

/// `GET /openapi.json`: the OpenAPI 3.1 description of this API, which the tests hold the routes to.
struct OpenAPIController {
    typealias Context = ServiceRequestContext

    /// The document shipped with the service.
    static let document: Data? = Bundle.module.url(forResource: "openapi", withExtension: "json").flatMap {
        try? Data(contentsOf: $0)
    }

    func addRoutes(to router: Router<Context>) {
        router.get("openapi.json") { _, _ in
            guard let document = OpenAPIController.document else {
                throw Problem(.internalServerError, code: .internalError, detail: "the API description is missing")
            }
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: document)))
        }
    }
}
