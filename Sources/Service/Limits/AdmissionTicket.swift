import FaceKit
import Synchronization
import Workflows

/// What one admitted request holds in the inference gate, so the body reader can add the decoded
/// pixels of its images once it knows them; the admission middleware gives everything back when
/// the request ends.
final class AdmissionTicket: Sendable {
    /// The ticket of the request this task serves (set by `AdmissionMiddleware`).
    @TaskLocal static var current: AdmissionTicket?

    let gate: InferenceGate
    let tenant: String
    let timeout: Duration
    private let pixels = Mutex(0)

    init(gate: InferenceGate, tenant: String, timeout: Duration) {
        self.gate = gate
        self.tenant = tenant
        self.timeout = timeout
    }

    /// Reserves the decoded bytes of images with these footprints before any is decoded.
    ///
    /// `sequential` says the route decodes one image at a time (so the largest counts, not the
    /// sum). A request whose images add up to more than the whole budget reserves the whole
    /// budget: it then runs alone. One image over the whole budget is `image_too_large` (413);
    /// a reservation not granted within the queue timeout is 503 `overloaded`.
    func reserve(footprints: [Int], sequential: Bool) async throws {
        let largest = footprints.max() ?? 0
        try await reserve(sequential ? largest : footprints.reduce(0, +), largestImage: largest)
    }

    /// Reserves `total` decoded bytes (clamped to the whole budget) for images the largest of
    /// which decodes to `largestImage` bytes.
    func reserve(_ total: Int, largestImage: Int) async throws {
        guard total > 0 else { return }
        guard largestImage <= gate.pixelBudget else {
            throw FaceKitError(
                .imageTooLarge,
                "an image decodes to \(largestImage) bytes; the server holds at most \(gate.pixelBudget) bytes of decoded pixels"
            )
        }
        let amount = min(total, gate.pixelBudget)
        guard await gate.reservePixels(amount, tenant: tenant, timeout: timeout) else {
            throw Problem(
                .serviceUnavailable, code: .overloaded,
                detail:
                    "the server is busy decoding other images (\(gate.pixelBytes) bytes of pixels in flight); retry shortly",
                extensions: [:], retryAfter: 1)
        }
        pixels.withLock { $0 += amount }
    }

    /// Gives back every pixel byte this request reserved.
    func releaseAll() {
        let held = pixels.withLock { held in
            defer { held = 0 }
            return held
        }
        gate.releasePixels(held, tenant: tenant)
    }
}
