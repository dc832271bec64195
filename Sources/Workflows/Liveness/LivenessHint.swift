import FaceKit

/// The user-facing hints of a failed capture. Several liveness reasons share one hint, so the
/// browser learns what to do, not which check measured what.
public enum LivenessHint: String, Codable, Sendable, CaseIterable {
    /// `multiple_faces`, `identity_changed`.
    case onePerson = "one_person"
    /// `face_lost`.
    case keepFaceInView = "keep_face_in_view"
    /// `challenge_not_met`.
    case followPrompts = "follow_prompts"
    /// `planar_motion`, `discontinuity`.
    case holdSteady = "hold_steady"
    /// `no_reference_frame`.
    case moveCloser = "move_closer"
    /// Live, but not the same person as the document or the subject (or no reason to tell).
    case notConfirmed = "not_confirmed"

    public init(_ reason: LivenessReason) {
        switch reason {
        case .multipleFaces, .identityChanged: self = .onePerson
        case .faceLost: self = .keepFaceInView
        case .challengeNotMet: self = .followPrompts
        case .planarMotion, .discontinuity: self = .holdSteady
        case .noReferenceFrame: self = .moveCloser
        }
    }

    /// The sentence shown to the person.
    public var message: String {
        switch self {
        case .onePerson: "Make sure only you are in view, for the whole recording."
        case .keepFaceInView: "Keep your face inside the oval for the whole recording."
        case .followPrompts: "Do each action when it is shown, one after the other."
        case .holdSteady: "Hold the camera steady and move your head, not the camera."
        case .moveCloser: "Move closer and look straight at the camera, eyes open, in good light."
        case .notConfirmed: "The check could not be confirmed. Ask the service that sent you here what to do next."
        }
    }
}
