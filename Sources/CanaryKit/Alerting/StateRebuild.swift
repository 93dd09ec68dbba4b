import Foundation

/// A place in the run log: one of its files (`runs.jsonl` of an earlier version, or a run
/// segment) and a byte offset in it. Files sort by name in log order (see `ResultsLayout.runLogFiles`).
public struct LogPosition: Sendable, Comparable, Hashable, CustomStringConvertible {
    /// Relative to the results folder; "" before the first file.
    var file: String
    var offset: UInt64

    static let start = LogPosition(file: "", offset: 0)

    public static func < (a: LogPosition, b: LogPosition) -> Bool {
        (a.file, a.offset) < (b.file, b.offset)
    }

    /// As saved: `runs/<segment>.jsonl 1234`; a bare number is an offset in `runs.jsonl` (marks
    /// saved by earlier versions).
    public var description: String { "\(file) \(offset)" }

    init(file: String, offset: UInt64) {
        self.file = file
        self.offset = offset
    }

    init?(_ text: String) {
        let parts = text.split(separator: " ")
        if parts.count == 1, let offset = UInt64(parts[0]) {
            self.init(file: ResultsLayout.runLog, offset: offset)
        } else if parts.count == 2, let offset = UInt64(parts[1]) {
            self.init(file: String(parts[0]), offset: offset)
        } else {
            return nil
        }
    }
}

/// The run log is the truth, state.json a cache of it: a process killed after a run was logged
/// but before state.json was rewritten must not lose that run's outcome or its alarm transition.
/// On start, the runs logged after the cache's mark that it has not counted are folded in again.
///
/// The mark (`state.log-offset`, a position in the run log) is only a shortcut: every run
/// logged before it is in state.json. Runs after it that state.json already has are recognised by
/// their run id (a canary's runs are logged in order, and state.json keeps each canary's last).
public enum StateRebuild {
    /// The mark's file in the results folder.
    public static let markFileName = "state.log-offset"

    /// The mark saved last; the start (read the whole log) when missing or unreadable.
    static func savedMark(directory: String) -> LogPosition {
        guard let text = try? String(contentsOfFile: directory + "/" + markFileName, encoding: .utf8) else { return .start }
        return LogPosition(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? .start
    }

    /// Saved after state.json: a crash in between leaves an older mark, which only costs reading more.
    static func saveMark(_ mark: LogPosition, directory: String) throws(RecordingError) {
        try FileIO.writeAtomically(Array("\(mark)\n".utf8), to: directory + "/" + markFileName)
    }

    /// The end of the run log now: the newest file and its size.
    static func logSize(directory: String) -> LogPosition {
        guard let last = ResultsLayout.runLogFiles(directory: directory).last else { return .start }
        var info = stat()
        guard stat(directory + "/" + last, &info) == 0 else { return .start }
        return LogPosition(file: last, offset: UInt64(info.st_size))
    }

    /// The whole lines of the run log between `start` and `end`, in log order.
    static func lines(directory: String, from start: LogPosition, to end: LogPosition) -> [Data] {
        var lines: [Data] = []
        for file in ResultsLayout.runLogFiles(directory: directory) where file >= start.file && file <= end.file {
            guard let handle = FileHandle(forReadingAtPath: directory + "/" + file) else { continue }
            defer { try? handle.close() }
            let from = file == start.file ? start.offset : 0
            let to = file == end.file ? end.offset : (try? handle.seekToEnd()) ?? 0
            guard to > from, (try? handle.seek(toOffset: from)) != nil, let data = try? handle.read(upToCount: Int(to - from)) else { continue }
            // Whole lines only: a line cut by a crash mid-write was never a logged run.
            guard let lastNewline = data.lastIndex(of: UInt8(ascii: "\n")) else { continue }
            lines += data[...lastNewline].split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true).map { Data($0) }
        }
        return lines
    }

    /// Folds into `states` the runs logged in [mark, end) that they have not counted, in log order,
    /// and returns the events of the transitions they cause (with the ids the first time had).
    static func replay(
        into states: inout [String: CanaryState], directory: String, from mark: LogPosition, to end: LogPosition,
        rules: [String: AlarmRule]
    ) -> [AlarmEvent] {
        let start = mark <= end ? mark : .start
        guard end > start else { return [] }
        var byCanary: [String: [RunRecord]] = [:]
        var order: [String] = []
        let decoder = JSONDecoder()
        for line in lines(directory: directory, from: start, to: end) {
            guard let record = try? decoder.decode(RunRecord.self, from: line) else { continue }
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
