import Foundation

/// runs.jsonl is the truth, state.json a cache of it: a process killed after a run was logged
/// but before state.json was rewritten must not lose that run's outcome or its alarm transition.
/// On start, the runs logged after the cache's mark that it has not counted are folded in again.
///
/// The mark (`state.log-offset`, a byte offset into runs.jsonl) is only a shortcut: every run
/// logged before it is in state.json. Runs after it that state.json already has are recognised by
/// their run id (a canary's runs are logged in order, and state.json keeps each canary's last).
public enum StateRebuild {
    /// The mark's file in the results folder.
    public static let markFileName = "state.log-offset"

    /// The mark saved last; 0 (read the whole log) when missing or unreadable.
    static func savedMark(directory: String) -> UInt64 {
        guard let text = try? String(contentsOfFile: directory + "/" + markFileName, encoding: .utf8) else { return 0 }
        return UInt64(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// Saved after state.json: a crash in between leaves an older mark, which only costs reading more.
    static func saveMark(_ mark: UInt64, directory: String) throws(RecordingError) {
        try FileIO.writeAtomically(Array("\(mark)\n".utf8), to: directory + "/" + markFileName)
    }

    /// The size of runs.jsonl now; 0 when there is none.
    static func logSize(directory: String) -> UInt64 {
        var info = stat()
        guard stat(directory + "/runs.jsonl", &info) == 0 else { return 0 }
        return UInt64(info.st_size)
    }

    /// Folds into `states` the runs logged in [mark, end) that they have not counted, in log order,
    /// and returns the events of the transitions they cause (with the ids the first time had).
    static func replay(
        into states: inout [String: CanaryState], directory: String, from mark: UInt64, to end: UInt64,
        rules: [String: AlarmRule]
    ) -> [AlarmEvent] {
        let start = mark <= end ? mark : 0
        guard end > start, let file = FileHandle(forReadingAtPath: directory + "/runs.jsonl") else { return [] }
        defer { try? file.close() }
        guard (try? file.seek(toOffset: start)) != nil,
              let data = try? file.read(upToCount: Int(end - start)) else { return [] }
        var byCanary: [String: [RunRecord]] = [:]
        var order: [String] = []
        let decoder = JSONDecoder()
        // Whole lines only: a line cut by a crash mid-write was never a logged run.
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true).dropLast(data.last == UInt8(ascii: "\n") ? 0 : 1) {
            guard let record = try? decoder.decode(RunRecord.self, from: Data(line)) else { continue }
            if byCanary[record.canary] == nil { order.append(record.canary) }
            byCanary[record.canary, default: []].append(record)
        }
        var events: [AlarmEvent] = []
        for canary in order {
            let records = byCanary[canary] ?? []
            var state = states[canary] ?? CanaryState()
            let known = state.last.flatMap { last in records.lastIndex { $0.runId == last.runId } }
            for record in records[(known.map { $0 + 1 } ?? 0)...] {
                let (next, event) = AlarmEvaluator.record(record, rule: rules[canary] ?? AlarmRule(), into: state, now: endTime(of: record))
                state = next
                if let event { events.append(event) }
            }
            states[canary] = state
        }
        return events
    }

    /// When the run ended, for the time of its event; now if the record's time can't be read.
    private static func endTime(of record: RunRecord) -> Date {
        let format = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        return (try? format.parse(record.end)) ?? (try? Date.ISO8601FormatStyle().parse(record.end)) ?? Date()
    }
}
