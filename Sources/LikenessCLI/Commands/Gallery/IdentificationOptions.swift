import ArgumentParser
import Workflows

/// The operating point of a 1:N search: a false-positive identification rate held at the
/// gallery's size (the default), a per-comparison false-match rate, or a raw threshold.
package struct IdentificationOptions: ParsableArguments {
    package init() {}

    @Option(
        help: """
            Hold this false-positive identification rate (the chance that someone not enrolled is \
            matched to anybody) at the gallery's current size (default: 1e-3, or the strictest \
            calibrated point when the gallery is too large for it).
            """)
    package var fpir: Double?

    @Option(help: "Decide at this false-match rate per comparison instead, one the model pack is calibrated for.")
    package var fmr: Double?

    @Option(help: "Decide at this raw cosine similarity instead.")
    package var threshold: Double?

    package func validate() throws {
        do {
            _ = try request
        } catch let error as WorkflowError {
            throw ValidationError(error.message.replacingOccurrences(of: "fpir", with: "--fpir"))
        }
    }

    package var request: IdentificationPoint.Request {
        get throws { try IdentificationPoint.Request(fpir: fpir, fmr: fmr, threshold: threshold) }
    }
}
