/// The checks of a liveness decision, in the order a result lists them.
public enum LivenessCheckKind: String, Sendable, Codable, CaseIterable, Hashable {
    /// No second face of a quarter of the main face's area or more.
    case oneFace = "one_face"
    /// No more than `maxLostFrames` samples in a row without a face.
    case facePresent = "face_present"
    /// Every challenged action found, in order, in time.
    case actions
    /// The landmarks do not move like a flat picture's (a photo or a screen).
    case notPlanar = "not_planar"
    /// No cut or splice: the face never jumps in place or size between samples.
    case continuity
    /// Every template taken along the recording matches the reference frame.
    case samePerson = "same_person"

    /// The stable code a failed check of this kind reports in a result's `reasons`.
    public var failureReason: LivenessReason {
        switch self {
        case .oneFace: .multipleFaces
        case .facePresent: .faceLost
        case .actions: .challengeNotMet
        case .notPlanar: .planarMotion
        case .continuity: .discontinuity
        case .samePerson: .identityChanged
        }
    }

    /// Whether the check's value is a measurement with a margin (scored by how far it clears the
    /// threshold) rather than a count that passes or fails outright.
    var isGraded: Bool { self == .notPlanar || self == .samePerson }
}

/// Why a recording was not judged live: one stable code per failed check.
public enum LivenessReason: String, Sendable, Codable, CaseIterable, Hashable {
    case multipleFaces = "multiple_faces"
    case faceLost = "face_lost"
    case challengeNotMet = "challenge_not_met"
    case planarMotion = "planar_motion"
    case discontinuity
    case identityChanged = "identity_changed"
    /// `same_person` failed because no near-frontal frame with open eyes could be the reference.
    case noReferenceFrame = "no_reference_frame"
}
