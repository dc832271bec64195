import FaceKit

/// `liveness challenges --json`: what the service may ask for, from the Swift rules themselves,
/// so scripts that generate test sets do not restate them.
public struct LivenessChallengesDocument: Codable, Sendable, Equatable {
    /// One action and how the analysis treats it.
    public struct Action: Codable, Sendable, Equatable {
        public var action: LivenessAction
        public var instruction: String
        /// The planar check needs at least one of these in every challenge.
        public var movesHead: Bool
        /// Done before its turn, it fails the challenge (a replay in another order).
        public var orderChecked: Bool

        enum CodingKeys: String, CodingKey {
            case action, instruction
            case movesHead = "moves_head"
            case orderChecked = "order_checked"
        }
    }

    /// Every issuable challenge of one pool, 2 actions then 3, each length in a fixed order.
    public struct Pool: Codable, Sendable, Equatable {
        /// The actions the challenges draw from.
        public var allowed: [LivenessAction]
        public var challenges: [[LivenessAction]]
    }

    /// Every action, in `LivenessAction.allCases` order.
    public var actions: [Action]
    /// The pool a session draws from unless `allowed_actions` says otherwise.
    public var defaultActions: [LivenessAction]
    public var headMovements: [LivenessAction]
    public var orderChecked: [LivenessAction]
    /// `default`: the default pool; `with_look_up`: every action allowed.
    public var pools: [String: Pool]
    /// Time each action may take after the previous one (the first: after the neutral face).
    public var actionAllowanceMs: Double
    /// The opening whose steady median is the neutral face.
    public var baselineMs: Double
    /// The longest recording the service analyses by default.
    public var maxRecordingMs: Double

    enum CodingKeys: String, CodingKey {
        case actions, pools
        case defaultActions = "default_actions"
        case headMovements = "head_movements"
        case orderChecked = "order_checked"
        case actionAllowanceMs = "action_allowance_ms"
        case baselineMs = "baseline_ms"
        case maxRecordingMs = "max_recording_ms"
    }

    /// The rules as this build has them.
    public init(thresholds: LivenessThresholds = LivenessThresholds(), limits: LivenessLimits = LivenessLimits()) {
        let all = LivenessAction.allCases
        actions = all.map {
            Action(action: $0, instruction: $0.instruction, movesHead: $0.movesHead, orderChecked: $0.isOrderChecked)
        }
        defaultActions = all.filter(LivenessChallenge.defaultActions.contains)
        headMovements = all.filter(\.movesHead)
        orderChecked = all.filter(\.isOrderChecked)
        func pool(_ allowed: Set<LivenessAction>) -> Pool {
            Pool(
                allowed: all.filter(allowed.contains),
                challenges: (2...3).flatMap { LivenessChallenge.all(length: $0, from: allowed).map(\.actions) })
        }
        pools = ["default": pool(LivenessChallenge.defaultActions), "with_look_up": pool(Set(all))]
        actionAllowanceMs = thresholds.actionMilliseconds
        baselineMs = thresholds.baselineMilliseconds
        maxRecordingMs = limits.maxSeconds * 1000
    }
}
