import Foundation

/// What `canary report` shows of each canary, folded run by run from the run log so the report
/// never re-reads history: counts by outcome, uptime buckets per hour for 30 days, the last
/// `chartRuns` runs' timings, and the few whole records the page shows (last failure, the pair
/// for the diff card). Also the incident timeline folded from `events.jsonl`.
///
/// Folding is idempotent: each canary remembers where its last folded line ends in the run log,
/// and a line at or before that is skipped. So a summary written at any moment (by a run, the
/// scheduler or a report) plus a fold of the log after its `logPosition` is always the page the
/// whole log would give: a crash only costs a longer tail to fold.
public struct RunSummaries: Sendable {
    /// By canary name.
    public var canaries: [String: CanarySummary] = [:]
    /// Bytes of the run log folded: every whole line before this offset is in the summaries.
    public var logPosition = 0
    /// Lines before `logPosition` that did not decode.
    public var skipped = 0
    /// The incident timeline folded from `events.jsonl`.
    public var incidents = IncidentFold()

    /// Runs shown in a canary's latency chart.
    public static let chartRuns = 100

    public init() {}

    /// Folds `records` in order (their lines' ends are made up): what `HTMLReport.render(records:)` shows.
    public init(records: [RunRecord]) {
        for (index, record) in records.enumerated() { fold(record, line: nil, end: index + 1) }
    }

    /// Folds one run whose line ends at byte `end` of the run log; `line` is its JSON (kept for
    /// the few runs the page shows in full, so they needn't be encoded again).
    public mutating func fold(_ record: RunRecord, line: [UInt8]?, end: Int) {
        canaries[record.canary, default: CanarySummary(name: record.canary)].fold(record, line: line, end: end)
    }

    /// Runs folded, over all canaries.
    public var runCount: Int { canaries.values.reduce(0) { $0 + $1.runs } }
}

/// One canary's runs, folded.
public struct CanarySummary: Sendable {
    public var name: String
    /// Where its last folded line ends in the run log; lines ending at or before it are folded.
    var through = 0
    public var runs = 0
    public var passed = 0
    public var inconclusive = 0
    /// The last run.
    public var last: RunBrief?
    /// Whether the last conclusive run passed (nil: none yet): a canary is failing when false.
    public var lastConclusivePassed: Bool?
    /// Whole records (JSON) of the last failed run, and of the latest `.failed` run and the last
    /// `.passed` one before it (the diff card, as `canary diff` picks them), and of the last pass.
    var lastFailed: StoredLine?
    var diffAfter: StoredLine?
    var diffBefore: StoredLine?
    var lastPassed: StoredLine?
    var hours = HourBuckets()
    var chart = ChartRing()

    init(name: String) {
        self.name = name
    }

    var isFailing: Bool { lastConclusivePassed == false }

    /// Of the conclusive runs: inconclusive ones neither passed nor failed.
    var successRate: Double {
        let conclusive = runs - inconclusive
        return conclusive == 0 ? 0 : Double(passed) / Double(conclusive)
    }

    mutating func fold(_ record: RunRecord, line: [UInt8]?, end: Int) {
        guard end > through else { return }
        through = end
        runs += 1
        if record.passed { passed += 1 }
        if record.isInconclusive { inconclusive += 1 } else { lastConclusivePassed = record.passed }
        last = RunBrief(record)
        let stored = StoredLine(record: record, line: line)
        if !record.passed && !record.isInconclusive { lastFailed = stored }
        switch RunOutcome(record) {
        case .failed:
            diffAfter = stored
            diffBefore = lastPassed
        case .passed:
            lastPassed = stored
        case .inconclusive, .cancelled:
            break
        }
        let seconds = EpochTime.seconds(fromISO8601: record.start)
        if !record.isInconclusive && record.cancelled != true, let seconds {
            hours.count(hour: EpochTime.hour(seconds), passed: record.passed)
        }
        chart.append(ChartPoint(record, start: seconds))
    }

    /// Uptime over the windows ending at `now`, counted by the hour: each window takes the hour
    /// its start falls in whole.
    func uptime(now: Date) -> Uptime {
        let now = now.timeIntervalSince1970
        let shares = Uptime.windows.map { hours.share(from: EpochTime.hour(now - $0.seconds), through: EpochTime.hour(now)) }
        return Uptime(day: shares[0], week: shares[1], month: shares[2])
    }

    /// The runs in the chart, oldest first.
    var chartPoints: [ChartPoint] { chart.ordered }
}

/// What the page says of a canary's last run.
public struct RunBrief: Sendable, Equatable {
    public var start: String
    public var durationMs: Double
    public var attempt: Int
    public var passed: Bool
    public var inconclusive: Bool
    public var degraded: Bool
    public var flaky: Bool
    public var error: String?

    init(_ record: RunRecord) {
        start = record.start
        durationMs = record.durationMs
        attempt = record.attempt
        passed = record.passed
        inconclusive = record.isInconclusive
        degraded = record.isDegraded
        flaky = record.passed && record.flaky == true
        error = record.error
    }

    init(start: String, durationMs: Double, attempt: Int, passed: Bool, inconclusive: Bool, degraded: Bool, flaky: Bool, error: String?) {
        (self.start, self.durationMs, self.attempt, self.passed) = (start, durationMs, attempt, passed)
        (self.inconclusive, self.degraded, self.flaky, self.error) = (inconclusive, degraded, flaky, error)
    }
}

/// A run kept whole: as read (its JSON line) or as folded in memory; decoded only for the few
/// canaries the page shows in full.
enum StoredLine: Sendable {
    case record(RunRecord)
    case line([UInt8])

    init(record: RunRecord, line: [UInt8]?) {
        self = line.map(StoredLine.line) ?? .record(record)
    }

    var record: RunRecord? {
        switch self {
        case .record(let record): record
        case .line(let bytes): try? JSONDecoder().decode(RunRecord.self, from: Data(bytes))
        }
    }

    /// The JSON to persist.
    var bytes: [UInt8]? {
        switch self {
        case .line(let bytes): bytes
        case .record(let record): try? RecordJSON.bytes(record, pretty: false)
        }
    }
}
