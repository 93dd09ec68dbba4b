/// One attempt of a stored run as `canary show` and `canary diff` read it: the record and the
/// attempt's HAR entries, both redacted when they were written. The renderers redact again
/// with whatever secrets the caller knows, and escape every byte a server sent.
public struct ShownRun: Sendable {
    public var record: RunRecord
    /// The attempt's exchanges in step order: one per step that sent a request.
    public var exchanges: [StoredExchange]
    /// The attempt shown (1-based) and how many the run had.
    public var attempt: Int
    public var attempts: Int
    /// false when the store no longer holds the run's exchanges, only its record.
    public var exchangesKept = true

    public init(record: RunRecord, exchanges: [StoredExchange], attempt: Int? = nil, attempts: Int? = nil) {
        self.record = record
        self.exchanges = exchanges
        self.attempt = attempt ?? record.attempt
        self.attempts = attempts ?? record.attempt
    }

    /// The shown attempt's own part of the record (a retried run keeps one per attempt); nil
    /// when the run made one attempt, which the record's top-level fields describe.
    public var attemptRecord: AttemptRecord? {
        record.attempts?.first { $0.attempt == attempt }
    }

    /// The shown attempt's start, end, duration and error.
    public var times: (start: String, end: String, durationMs: Double, error: String?) {
        guard let own = attemptRecord else { return (record.start, record.end, record.durationMs, record.error) }
        return (own.start, own.end, own.durationMs, own.error)
    }

    /// Each step of the shown attempt with its exchange: a step that sent a request (it has
    /// `request` in the record) owns the next entry, after the entries of the redirects it
    /// followed; skipped steps and steps that failed before sending own none.
    public var steps: [ShownStep] {
        var remaining = exchanges[...]
        return (attemptRecord?.steps ?? record.steps).map { step in
            guard step.request != nil else { return ShownStep(step: step, exchange: nil, hops: []) }
            var hops: [StoredExchange] = []
            while let next = remaining.first, next.isRedirectHop {
                hops.append(next)
                remaining = remaining.dropFirst()
            }
            return ShownStep(step: step, exchange: remaining.popFirst(), hops: hops)
        }
    }

    /// The shown attempt's outcome: passed, failed, inconclusive or cancelled (as `RunOutcome`).
    public var outcome: String {
        guard let own = attemptRecord, own.attempt != record.attempt else { return RunOutcome(record).rawValue }
        return own.inconclusive == true ? RunOutcome.inconclusive.rawValue : own.passed ? RunOutcome.passed.rawValue : RunOutcome.failed.rawValue
    }
}

/// One step of a shown attempt: its record, its final exchange (nil when it sent nothing) and
/// the redirects it followed on the way, first to last.
public struct ShownStep: Sendable {
    public var step: StepRecord
    public var exchange: StoredExchange?
    public var hops: [StoredExchange]
}

extension StoredExchange {
    /// An entry the HAR writer adds for each redirect a step followed (`HAR.hopEntry`), before
    /// the step's final entry.
    var isRedirectHop: Bool {
        (300..<400).contains(response.status) && (comment?.hasPrefix("a redirect followed within step") ?? false)
    }
}

/// What `canary show` prints.
public enum ShowFormat: String, Sendable, CaseIterable {
    /// Request and response of each step, as in the `.http` snapshots.
    case http
    /// A standalone HTTP Archive of the attempt.
    case har
    /// The run's record (run.json).
    case json
    /// One `curl` command line per step that reproduces its request.
    case curl
}
