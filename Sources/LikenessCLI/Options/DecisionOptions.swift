import ArgumentParser

/// The operating point of a decision: a calibrated false-match rate, or a raw threshold.
package struct DecisionOptions: ParsableArguments {
    package init() {}

    @Option(help: "Decide at this false-match rate, one the model pack is calibrated for (default: 1e-4).")
    package var fmr: Double?

    @Option(help: "Decide at this raw cosine similarity instead of a calibrated FMR.")
    package var threshold: Double?

    package func validate() throws {
        if let threshold, !(-1...1).contains(threshold) { throw ValidationError("--threshold must be in -1...1") }
        if let fmr, !(fmr > 0 && fmr < 1) { throw ValidationError("--fmr must be in (0, 1)") }
        if fmr != nil && threshold != nil { throw ValidationError("give --fmr or --threshold, not both") }
    }
}
