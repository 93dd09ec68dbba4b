import Foundation

extension ShownRun {
    /// One attempt of the run `record` as the reader has it (only its exchanges are read):
    /// `attempt` nil means the last attempt kept. A run whose exchanges are no longer kept
    /// (pruned, expired, `--artifacts none`) still shows its record; `exchangesKept` says so.
    public static func load(_ record: RunRecord, attempt: Int?, from reader: ResultsReader) throws -> ShownRun {
        let run = StoredRun(record)
        guard let attempts = try reader.attempts(of: record), !attempts.isEmpty else {
            if let attempt, attempt != record.attempt {
                throw RunSelection.Problem("run \(run.runId) of \(run.canary) keeps no exchanges, so not attempt \(attempt)")
            }
            var shown = ShownRun(record: record, exchanges: [], attempts: run.attempts)
            shown.exchangesKept = false
            return shown
        }
        let wanted = attempt ?? attempts[attempts.count - 1].attempt
        guard let chosen = attempts.first(where: { $0.attempt == wanted }) else {
            throw RunSelection.Problem("run \(run.runId) of \(run.canary) has no attempt \(wanted); kept: "
                + attempts.map { String($0.attempt) }.joined(separator: ", "))
        }
        let decoder = JSONDecoder()
        let exchanges = try chosen.entries.map { entry in
            do {
                return try decoder.decode(StoredExchange.self, from: Data(JSON5.serialize(entry).utf8))
            } catch {
                throw RunSelection.Problem("run \(run.runId) of \(run.canary): an exchange of attempt \(wanted) is not a HAR entry canary can read (\(error))")
            }
        }
        return ShownRun(record: record, exchanges: exchanges, attempt: wanted, attempts: max(run.attempts, wanted))
    }
}

extension StoredRun {
    /// The listing of a record already read (as `ResultsReader.runs(of:)` lists it).
    init(_ record: RunRecord) {
        self.init(canary: record.canary, runId: record.runId, start: record.start, outcome: RunOutcome(record),
                  attempts: max(1, record.attempt), error: record.passed ? nil : record.error)
    }
}

/// One pass over the run log for `show` and `diff`: the canaries there are, and the runs and
/// records of one of them (reading through `canaries()`, `runs(of:)` and `record(…)` reads
/// the log once each).
public struct CanaryHistory: Sendable {
    public var known: [String]
    public var records: [RunRecord]
    public var runs: [StoredRun] { records.map(StoredRun.init) }

    public init(_ canary: String, from reader: ResultsReader) throws(RecordingError) {
        let all = try reader.records().records
        known = Set(all.map(\.canary)).sorted()
        records = all.filter { $0.canary == canary }
    }

    /// The record of a run picked from `runs`.
    public func chosen(_ run: StoredRun) throws(RunSelection.Problem) -> RunRecord {
        guard let record = records.last(where: { $0.runId == run.runId }) else {
            throw RunSelection.Problem("run \(run.runId) of \(run.canary) is listed but its record could not be read")
        }
        return record
    }
}
