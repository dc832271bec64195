import FaceKit
import Hummingbird

/// Liveness and readiness probes.
struct HealthController<Context: RequestContext> {
    let analyzer: FaceAnalyzer

    func addRoutes(to router: Router<Context>) {
        router.get("healthz") { _, _ in try JSONBody.response(["status": "ok"]) }
        router.get("readyz") { _, _ in
            // Ready once the networks have loaded and answered one inference.
            try await analyzer.warmUp()
            return try JSONBody.response(["status": "ready", "model_pack": analyzer.pack.id])
        }
    }
}
