import Foundation

extension ShownRun {
    /// One attempt of `run` as the reader has it: `attempt` nil means the last attempt kept.
    /// A run whose exchanges are no longer kept (pruned, expired, `--artifacts none`) still
    /// shows its record; `exchangesKept` says so.
    public static func load(_ run: StoredRun, attempt: Int?, from reader: ResultsReader) throws -> ShownRun {
        guard let record = try reader.record(canary: run.canary, runId: run.runId) else {
            throw RunSelection.Problem("run \(run.runId) of \(run.canary) is listed but its record could not be read")
        }
        return try load(record, attempt: attempt, from: reader)
    }

    /// The same for a record already read: only the exchanges are read.
    public static func load(_ record: RunRecord, attempt: Int?, from reader: ResultsReader) throws -> ShownRun {
        let run = StoredRun(canary: record.canary, runId: record.runId, start: record.start, outcome: RunOutcome(record),
                            attempts: max(1, record.attempt), error: record.error)
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
