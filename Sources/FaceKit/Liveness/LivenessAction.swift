/// One thing a person is asked to do in front of the camera.
public enum LivenessAction: String, Sendable, Codable, CaseIterable, Hashable {
    /// The head turns to the person's own left.
    case turnLeft = "turn_left"
    /// The head turns to the person's own right.
    case turnRight = "turn_right"
    case lookUp = "look_up"
    case blink
    case openMouth = "open_mouth"

    /// Actions that move the whole head, which the planar-spoof check needs.
    public var movesHead: Bool { self == .turnLeft || self == .turnRight || self == .lookUp }

    /// Actions whose order is checked: done before their turn, they fail the challenge (a replay
    /// in another order). Head movements and a wide-open mouth are deliberate; blinks are not,
    /// since people blink on their own every few seconds. (Talking opens the mouth to 0.3–0.45,
    /// under the 0.5 that `open_mouth` needs for three samples.)
    public var isOrderChecked: Bool { movesHead || self == .openMouth }

    /// Words for the capture page and the CLI.
    public var instruction: String {
        switch self {
        case .turnLeft: "Turn your head to your left"
        case .turnRight: "Turn your head to your right"
        case .lookUp: "Look up"
        case .blink: "Blink"
        case .openMouth: "Open your mouth"
        }
    }
}

/// A random challenge: two or three distinct actions in a random order, at least one of which
/// moves the head (so the planar-spoof check has different poses to compare).
public struct LivenessChallenge: Sendable, Codable, Equatable {
    public var actions: [LivenessAction]

    public init(actions: [LivenessAction]) {
        self.actions = actions
    }

    /// Parses `turn_left,blink`; throws `invalid_argument` for an unknown or repeated action.
    public init(parsing text: String) throws {
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        var actions: [LivenessAction] = []
        for name in names {
            guard let action = LivenessAction(rawValue: name) else {
                throw FaceKitError(
                    .invalidArgument,
                    "unknown action \(name); use \(LivenessAction.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard !actions.contains(action) else { throw FaceKitError(.invalidArgument, "\(name) is given twice") }
            actions.append(action)
        }
        guard (1...5).contains(actions.count) else {
            throw FaceKitError(.invalidArgument, "a challenge has 1 to 5 actions")
        }
        self.actions = actions
    }

    /// The actions a challenge draws from unless told otherwise: all but `look_up`. Pitch from
    /// landmarks follows expressions, and on the one real look-up in the shared clips the
    /// analysis missed it in 7 of 10 genuine presentations (docs/liveness.md), so it is asked
    /// for only when an integrator allows it.
    public static let defaultActions: Set<LivenessAction> = [.turnLeft, .turnRight, .blink, .openMouth]

    /// A fresh random challenge from the system's secure generator, drawn from `allowed`:
    /// uniformly among every valid challenge of that length (distinct actions, a head movement,
    /// never both turns). Throws `invalid_argument` when `allowed` cannot make one (`checkPool`).
    public static func random(
        count: Int? = nil, from allowed: Set<LivenessAction> = LivenessChallenge.defaultActions
    ) throws -> LivenessChallenge {
        try checkPool(allowed, count: count)
        var generator = SystemRandomNumberGenerator()
        let length = count ?? Int.random(in: 2...min(3, usableCount(allowed)), using: &generator)
        let candidates = all(length: length, from: allowed)
        return candidates[Int.random(in: 0..<candidates.count, using: &generator)]
    }

    /// Every valid challenge of `length` actions from `allowed`, in a fixed order.
    public static func all(length: Int, from allowed: Set<LivenessAction> = LivenessChallenge.defaultActions)
        -> [LivenessChallenge]
    {
        let pool = LivenessAction.allCases.filter(allowed.contains)
        var found: [LivenessChallenge] = []
        func extend(_ prefix: [LivenessAction]) {
            guard prefix.count < length else {
                // Opposite turns in one challenge make a shake that a replayed clip often contains.
                if prefix.contains(where: \.movesHead) && !(prefix.contains(.turnLeft) && prefix.contains(.turnRight)) {
                    found.append(LivenessChallenge(actions: prefix))
                }
                return
            }
            for action in pool where !prefix.contains(action) { extend(prefix + [action]) }
        }
        extend([])
        return found
    }

    /// Whether `allowed` can make a challenge of `count` actions (2 or 3; nil: either): it needs
    /// a head movement (the planar check compares poses) and enough actions, counting the two
    /// turns as one since a challenge never asks for both.
    public static func checkPool(_ allowed: Set<LivenessAction>, count: Int?) throws {
        if let count, !(2...3).contains(count) {
            throw FaceKitError(.invalidArgument, "a challenge has 2 or 3 actions")
        }
        guard allowed.contains(where: \.movesHead) else {
            throw FaceKitError(.invalidArgument, "the allowed actions need turn_left, turn_right or look_up")
        }
        guard usableCount(allowed) >= (count ?? 2) else {
            throw FaceKitError(
                .invalidArgument,
                "the allowed actions make at most \(usableCount(allowed)) distinct action(s) (both turns count as one)")
        }
    }

    private static func usableCount(_ allowed: Set<LivenessAction>) -> Int {
        allowed.count - (allowed.contains(.turnLeft) && allowed.contains(.turnRight) ? 1 : 0)
    }
}
