/// `POST /v1/verify/batch`: each pair's answer or problem, in the order of the request.
public struct BatchVerifyDocument: Codable, Sendable, Equatable {
    /// A pair's problem: the same members as the problem the single route would answer.
    public struct Failure: Codable, Sendable, Equatable {
        public var type: String
        public var title: String
        public var status: Int
        public var detail: String
        public var code: ProblemCode
        /// `low_quality`: each failed check's code.
        public var reasons: [String]?

        public init(type: String, title: String, status: Int, detail: String, code: ProblemCode, reasons: [String]?) {
            self.type = type
            self.title = title
            self.status = status
            self.detail = detail
            self.code = code
            self.reasons = reasons
        }
    }

    /// One pair: `result` or `error`.
    public struct Item: Codable, Sendable, Equatable {
        public var index: Int
        public var result: VerifyDocument?
        public var error: Failure?

        public init(index: Int, result: VerifyDocument? = nil, error: Failure? = nil) {
            self.index = index
            self.result = result
            self.error = error
        }
    }

    /// The most pairs one request may hold.
    public static let maxPairs = 16

    public var results: [Item]

    public init(results: [Item]) { self.results = results }
}
