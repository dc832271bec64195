/// Time spent in each stage of the pipeline.
public struct StageTimings: Sendable, Equatable {
    public var decode: Duration = .zero
    public var detect: Duration = .zero
    public var align: Duration = .zero
    public var embed: Duration = .zero

    public init() {}

    public var total: Duration { decode + detect + align + embed }

    public static func + (lhs: StageTimings, rhs: StageTimings) -> StageTimings {
        var sum = lhs
        sum.decode += rhs.decode
        sum.detect += rhs.detect
        sum.align += rhs.align
        sum.embed += rhs.embed
        return sum
    }
}
