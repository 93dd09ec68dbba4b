import CurlEngine
import Foundation

/// What a summary folds of one run (`CanarySummary.fold`): the record's few fields the page
/// counts and charts. Taken from a decoded record, or read straight from its log line by
/// `RunLineScanner`, which is what makes folding a folder's whole history (an older folder's
/// first report) take seconds per million runs instead of minutes: JSONDecoder built every
/// step, header and certificate of every run only for these.
struct RunFacts: Sendable, Equatable {
    var canary: String
    var start: String
    var durationMs: Double
    var passed: Bool
    var attempt: Int
    var error: String?
    var inconclusive: Bool?
    var cancelled: Bool?
    var flaky: Bool?
    var degraded: Bool?
    /// The chart's phases summed over the steps (`LatencyChart.phaseTimes`).
    var phases: [Double]

    var isInconclusive: Bool { inconclusive == true }
    var isDegraded: Bool { passed && degraded == true }

    init(_ record: RunRecord) {
        (canary, start, durationMs, passed, attempt, error) = (record.canary, record.start, record.durationMs, record.passed, record.attempt, record.error)
        (inconclusive, cancelled, flaky, degraded) = (record.inconclusive, record.cancelled, record.flaky, record.degraded)
        phases = LatencyChart.phaseTimes(record.steps.lazy.map(\.timings))
    }

    init(canary: String, start: String, durationMs: Double, passed: Bool, attempt: Int, error: String?, inconclusive: Bool?,
         cancelled: Bool?, flaky: Bool?, degraded: Bool?, phases: [Double]) {
        (self.canary, self.start, self.durationMs, self.passed, self.attempt, self.error) = (canary, start, durationMs, passed, attempt, error)
        (self.inconclusive, self.cancelled, self.flaky, self.degraded, self.phases) = (inconclusive, cancelled, flaky, degraded, phases)
    }

    /// The facts of a run log line, as decoding it would give them; the line is decoded whole
    /// when the scanner can't vouch for it (see `RunLineScanner`). nil: not a record.
    static func read(_ line: ArraySlice<UInt8>, decoder: JSONDecoder) -> RunFacts? {
        if let facts = RunLineScanner.facts(line) { return facts }
        return (try? decoder.decode(RunRecord.self, from: Data(line))).map(RunFacts.init)
    }

    static func == (a: RunFacts, b: RunFacts) -> Bool {
        a.canary == b.canary && a.start == b.start && a.durationMs.bitPattern == b.durationMs.bitPattern && a.passed == b.passed
            && a.attempt == b.attempt && a.error == b.error && a.inconclusive == b.inconclusive && a.cancelled == b.cancelled
            && a.flaky == b.flaky && a.degraded == b.degraded && a.phases.map(\.bitPattern) == b.phases.map(\.bitPattern)
    }
}

extension RunOutcome {
    init(_ facts: RunFacts) {
        if facts.cancelled == true { self = .cancelled }
        else if facts.isInconclusive { self = .inconclusive }
        else { self = facts.passed ? .passed : .failed }
    }
}
