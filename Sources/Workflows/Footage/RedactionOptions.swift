import FaceKit

/// Whose faces a redaction hides.
public enum RedactionTarget: Sendable, Equatable {
    /// Every face.
    case everyone
    /// Every face but those recognised as one of these subjects (with an active consent).
    case allBut([String])
    /// Only the faces recognised as one of these subjects.
    case only([String])

    var mode: String {
        switch self {
        case .everyone: "everyone"
        case .allBut: "keep"
        case .only: "only"
        }
    }

    var subjects: [String] {
        switch self {
        case .everyone: []
        case .allBut(let subjects), .only(let subjects): subjects
        }
    }
}

/// How faces are found, followed and hidden.
public struct RedactionOptions: Sendable {
    public var style: RedactionStyle
    /// Blur and pixelate: cells kept across a region's shorter side (fewer hide more).
    public var cells: Int
    /// Fraction of the face box added on every side before hiding it.
    public var margin: Double
    public var detection: DetectionOptions
    /// Video: the detector runs on every n-th frame; the frames between follow the tracks.
    public var every: Int
    /// Video: frames a track's box is carried past its first and last sighting.
    public var reach: Int
    public var target: RedactionTarget
    /// The similarity at which a face is recognised as a named subject.
    public var threshold: Double
    /// The false-match rate `threshold` was calibrated to, when it came from one.
    public var fmr: Double?
    /// Video: templates computed per track for recognition (spread over its sightings).
    public var templatesPerTrack: Int

    /// Recall comes first: a missed face is a leak, a blurred patch of wall is not.
    public static let defaultScoreThreshold = 0.25

    public init(
        style: RedactionStyle = .blur, cells: Int = Image.redactionCells, margin: Double = 0.25,
        detection: DetectionOptions = DetectionOptions(scoreThreshold: RedactionOptions.defaultScoreThreshold),
        every: Int = 1, reach: Int = 8, target: RedactionTarget = .everyone, threshold: Double = 1, fmr: Double? = nil,
        templatesPerTrack: Int = 8
    ) {
        self.style = style
        self.cells = cells
        self.margin = margin
        self.detection = detection
        self.every = every
        self.reach = reach
        self.target = target
        self.threshold = threshold
        self.fmr = fmr
        self.templatesPerTrack = templatesPerTrack
    }

    /// Refuses values no redaction can work with.
    public func validate() throws {
        guard (2...32).contains(cells) else { throw WorkflowError(.validationFailed, "cells must be in 2...32") }
        guard margin >= 0, margin <= 2 else { throw WorkflowError(.validationFailed, "margin must be in 0...2") }
        guard (1...30).contains(every) else { throw WorkflowError(.validationFailed, "every must be in 1...30") }
        guard (0...300).contains(reach) else { throw WorkflowError(.validationFailed, "reach must be in 0...300") }
        guard (1...64).contains(templatesPerTrack) else {
            throw WorkflowError(.validationFailed, "templates per track must be in 1...64")
        }
        if target != .everyone && target.subjects.isEmpty {
            throw WorkflowError(.validationFailed, "keep and only need at least one subject")
        }
    }
}
