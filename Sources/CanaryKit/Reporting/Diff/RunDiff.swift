/// What changed between two runs of one canary, step by step: outcome, status, headers, body,
/// phase timings and certificate. A pure function of two `ShownRun`s (`RunDiff(from:to:)`);
/// `RunDiffText` and the HTML report render it. Values come from stored (redacted) runs and are
/// masked again and escaped by the renderers.
public struct RunDiff: Sendable, Equatable {
    public struct Change<Value: Sendable & Equatable>: Sendable, Equatable {
        public var before: Value
        public var after: Value
    }

    public enum HeaderChange: Sendable, Equatable {
        case added(name: String, value: String)
        case removed(name: String, value: String)
        case changed(name: String, before: String, after: String)
    }

    public enum BodyChange: Sendable, Equatable {
        /// Both bodies are JSON: each path whose value differs (nil: absent on that side).
        case json([JSONPathChange], more: Int)
        /// Text: a unified diff, cut to `RunDiff.maximumDiffLines` lines.
        case text([String], more: Int)
        /// Binary or absent on one side: only sizes are compared.
        case size(Change<Int>)
    }

    public struct JSONPathChange: Sendable, Equatable {
        public var path: String
        public var before: String?
        public var after: String?
    }

    /// A named value in both runs; nil where that run has none.
    public struct FieldChange: Sendable, Equatable {
        public var field: String
        public var before: String?
        public var after: String?
    }

    /// One phase's milliseconds in both runs.
    public struct PhaseTiming: Sendable, Equatable {
        public var phase: String
        public var before: Double
        public var after: Double
    }

    public struct StepChange: Sendable, Equatable {
        public var index: Int
        public var name: String
        public var outcome: Change<String>?
        /// The step's first failure or error in each run, when they differ.
        public var failure: Change<String?>?
        public var status: Change<Int>?
        public var headers: [HeaderChange]
        public var body: BodyChange?
        /// Every phase, changed or not: timings are read side by side.
        public var timings: [PhaseTiming]
        public var certificate: Change<String?>?
        /// The rest of the leaf certificate that differs (`subject`, `issuer`, `subjectAltNames`,
        /// `notBefore`, and `chainNotAfter`, the earliest expiry of the chain), in that order.
        public var certificateFields: [FieldChange] = []
        /// The step ran in only one of the runs.
        public var onlyIn: String?
    }

    public var canary: String
    public var runs: Change<String>
    public var outcome: Change<String>
    public var steps: [StepChange]
    /// The runs (of the two) whose exchanges are no longer kept: their headers and bodies are
    /// not compared, only what the records hold.
    public var withoutExchanges: [String] = []

    /// Lines of a text diff, and JSON paths, shown at most.
    public static let maximumDiffLines = 60
    /// Lines of each body compared for a text diff (the comparison is quadratic).
    public static let maximumComparedLines = 2_000
}
