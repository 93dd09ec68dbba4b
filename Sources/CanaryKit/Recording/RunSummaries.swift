import Foundation

/// What `canary report` shows of each canary, folded run by run from the run log so the report
/// never re-reads history: counts by outcome, uptime buckets per hour for 30 days, the last
/// `chartRuns` runs' timings, and the few whole records the page shows (last failure, the pair
/// for the diff card). Also the incident timeline folded from `events.jsonl`.
///
/// Folding is idempotent: each canary remembers where its last folded line ends in the run log
/// (a `LogPosition`: file and offset, files in `ResultsLayout.runLogFiles` order), and a line at
/// or before that is skipped. So a summary written at any moment (by a run, the scheduler or a
/// report) plus a fold of the log after its `logPosition` is always the page the whole log would
/// give: a crash only costs a longer tail to fold. Runs of a segment retention deleted after they
/// were folded stay counted.
public struct RunSummaries: Sendable {
    /// By canary name.
    public var canaries: [String: CanarySummary] = [:]
    /// Where the fold of the run log ends: every whole line before it is in the summaries.
    public var logPosition = LogPosition.start
    /// Lines before `logPosition` that did not decode.
    public var skipped = 0
    /// The incident timeline folded from `events.jsonl`.
    public var incidents = IncidentFold()

    /// Runs shown in a canary's latency chart.
    public static let chartRuns = 100

    public init() {}

    /// Folds `records` in order (their lines' ends are made up): what `HTMLReport.render(records:)` shows.
    public init(records: [RunRecord]) {
        for (index, record) in records.enumerated() { fold(record, line: nil, end: LogPosition(file: "", offset: UInt64(index + 1))) }
    }

    /// Folds one run whose line ends at `end` in the run log; `line` is its JSON, newline left
    /// out (the last failure is kept whole; the other runs the page may show are kept as their
    /// place in the log, read when shown).
    mutating func fold(_ record: RunRecord, line: [UInt8]?, end: LogPosition) {
        fold(RunFacts(record), record: record, line: line?[...], end: end)
    }

    /// Folds one run's facts; `record` or `line` (at least one) is what the page shows of it.
    mutating func fold(_ facts: RunFacts, record: RunRecord?, line: ArraySlice<UInt8>?, end: LogPosition) {
        canaries[facts.canary, default: CanarySummary(name: facts.canary)].fold(facts, record: record, line: line, end: end)
    }

    /// Runs folded, over all canaries.
    public var runCount: Int { canaries.values.reduce(0) { $0 + $1.runs } }
}

/// One canary's runs, folded.
public struct CanarySummary: Sendable {
    public var name: String
    /// Where its last folded line ends in the run log; lines ending at or before it are folded.
    var through = LogPosition.start
    public var runs = 0
    public var passed = 0
    public var inconclusive = 0
    /// The last run.
    public var last: RunBrief?
    /// Whether the last conclusive run passed (nil: none yet): a canary is failing when false.
    public var lastConclusivePassed: Bool?
    /// The last failed run (kept whole: the page shows it even once retention deleted its
    /// segment), and the latest `.failed` run and the last `.passed` one before it (the diff
    /// card, as `canary diff` picks them), and the last pass (kept as places in the log: their
    /// exchanges expire with it).
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

    mutating func fold(_ record: RunFacts, record whole: RunRecord?, line: ArraySlice<UInt8>?, end: LogPosition) {
        guard end > through else { return }
        through = end
        runs += 1
        if record.passed { passed += 1 }
        if record.isInconclusive { inconclusive += 1 } else { lastConclusivePassed = record.passed }
        last = RunBrief(record)
        let stored = StoredLine(record: whole, line: line, end: end)
        if !record.passed && !record.isInconclusive { lastFailed = StoredLine(record: whole, line: line, end: nil) }
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

    init(_ record: RunFacts) {
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

/// A run the page may show in full: as read (its JSON line), as folded in memory, or as its place
/// in the run log (read when shown; gone once retention deleted its segment). Decoded only for
/// the few canaries the page shows in full.
enum StoredLine: Sendable {
    // Boxed: a record is hundreds of bytes, and four of these sit in every canary's summary.
    indirect case record(RunRecord)
    case line([UInt8])
    /// `segment`: a run log file (`runs.jsonl` or `runs/…`); `length` without the newline.
    case place(StoredPlace)

    /// `end`: where the line ends in the log (nil: keep the line itself). `record`: the run
    /// decoded, kept when there is no `line` (one of them is given).
    init(record: RunRecord?, line: ArraySlice<UInt8>?, end: LogPosition?) {
        if let line, let end, !end.file.isEmpty, end.offset > UInt64(line.count) {
            self = .place(StoredPlace(segment: end.file, offset: Int(end.offset) - line.count - 1, length: line.count))
        } else if let line {
            self = .line(Array(line))
        } else {
            self = record.map(StoredLine.record) ?? .line([])
        }
    }

    /// The record kept in memory; nil for a place (see `record(in:)`).
    var record: RunRecord? {
        switch self {
        case .record(let record): record
        case .line(let bytes): try? JSONDecoder().decode(RunRecord.self, from: Data(bytes))
        case .place: nil
        }
    }

    /// The record, a place read from the results folder `directory`: nil when its file is gone or
    /// the bytes there are not a record of `canary` (a file replaced since).
    func record(in directory: String, canary: String) -> RunRecord? {
        guard case .place(let place) = self else { return record }
        guard ResultsLayout.isRunLogFile(place.segment), place.offset >= 0, (1..<(1 << 26)).contains(place.length) else { return nil }
        let fd = open(directory + "/" + place.segment, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: place.length + 1)
        let got = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(place.offset)) }
        guard got == bytes.count, bytes.removeLast() == UInt8(ascii: "\n"),
              let record = try? JSONDecoder().decode(RunRecord.self, from: Data(bytes)), record.canary == canary else { return nil }
        return record
    }

    /// The JSON to persist for a run kept whole.
    var bytes: [UInt8]? {
        switch self {
        case .line(let bytes): bytes
        case .record(let record): try? RecordJSON.bytes(record, pretty: false)
        case .place: nil
        }
    }
}
