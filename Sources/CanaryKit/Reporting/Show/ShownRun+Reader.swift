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

/// The runs of one canary that `show` and `diff` pick from, and the canaries there are (for a
/// did-you-mean). Read from the newest run log segment back, only as far as the runs wanted:
/// `show --last-failed` on a store of many segments opens the newest few, not every one. When
/// the wanted runs are not there (an unknown canary or run id, a prefix of one, no such
/// outcome), the whole log is read, so the message lists what there is.
public struct CanaryHistory: Sendable {
    public var known: [String]
    /// The canary's records, a suffix of its runs in log order (all of them when `known` is).
    public var records: [RunRecord]
    public var runs: [StoredRun] { records.map(StoredRun.init) }

    /// What the command prints: one run, or `diff`'s two.
    public enum Wanted: Sendable, Equatable {
        case run(RunSelection.Choice)
        /// The latest failed run and the last passed run before it.
        case defaultPair
        case runs([String])
    }

    public init(_ canary: String, wanting wanted: Wanted, from reader: ResultsReader) throws(RecordingError) {
        let read = try reader.latestRecords(of: canary) { records in Self.holds(wanted, records) }
        known = read.names.sorted()
        records = read.records
    }

    /// Whether `newestFirst` (the canary's latest runs, newest first) holds what is wanted, so
    /// that older segments can't change what is picked. A run id must be whole: a prefix could
    /// match older runs too.
    static func holds(_ wanted: Wanted, _ newestFirst: [RunRecord]) -> Bool {
        switch wanted {
        case .run(.last): return !newestFirst.isEmpty
        case .run(.lastFailed): return newestFirst.contains { RunOutcome($0) == .failed }
        case .run(.lastPassed): return newestFirst.contains { RunOutcome($0) == .passed }
        case .run(.id(let id)): return holds(.runs([id]), newestFirst)
        case .defaultPair:
            // The latest failed run, then a passed one before it (`RunSelection.defaultPair`).
            guard let failed = newestFirst.firstIndex(where: { RunOutcome($0) == .failed }) else { return false }
            return newestFirst[(failed + 1)...].contains { RunOutcome($0) == .passed }
        case .runs(let ids):
            return ids.allSatisfy { id in RunID.isRunFolderName(id) && !id.hasPrefix(".") && newestFirst.contains { $0.runId == id } }
        }
    }

    /// The record of a run picked from `runs`.
    public func chosen(_ run: StoredRun) throws(RunSelection.Problem) -> RunRecord {
        guard let record = records.last(where: { $0.runId == run.runId }) else {
            throw RunSelection.Problem("run \(run.runId) of \(run.canary) is listed but its record could not be read")
        }
        return record
    }
}
