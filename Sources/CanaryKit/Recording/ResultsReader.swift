import Foundation

/// One run as listed by `ResultsReader.runs(of:)`: enough to pick a run without loading it.
public struct StoredRun: Sendable, Equatable {
    public var canary: String
    public var runId: String
    /// ISO 8601 UTC, the first attempt's start.
    public var start: String
    public var outcome: RunOutcome
    /// Attempts the run made (1 when it was not retried).
    public var attempts: Int
    /// The run's error line (first failure), nil when it passed.
    public var error: String?
}

/// What a run said about its target, as `show --last-failed` and `diff` pick runs.
public enum RunOutcome: String, Sendable, Equatable {
    case passed, failed
    /// The runner lacked a resource: not a datapoint (see `RunRecord.inconclusive`).
    case inconclusive
    /// Stopped from outside before it finished (see `RunRecord.cancelled`).
    case cancelled

    init(_ record: RunRecord) {
        if record.cancelled == true { self = .cancelled }
        else if record.isInconclusive { self = .inconclusive }
        else { self = record.passed ? .passed : .failed }
    }
}

/// The exchanges of one attempt of a run, as HAR 1.2 entry objects (redacted as written).
public struct StoredAttempt: Sendable, Equatable {
    /// 1-based.
    public var attempt: Int
    public var entries: [JSONValue]
}

/// Reads a results folder without its lock, while runs may be appending to it: `report`, `show`,
/// `diff`, the state rebuild and the tests' audit all read through it, so none of them knows
/// where a run's record or exchanges live. Only whole lines count: a line a crash cut short (or
/// one being written) is skipped, never an error.
public struct ResultsReader: Sendable {
    public let directory: String

    /// Fails with a message naming the folder and the fix when it is not a results folder.
    public init(directory: String) throws(RecordingError) {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isFolder), isFolder.boolValue else {
            throw RecordingError(
                action: "read", path: directory,
                reason: "no such results folder; pass the folder `canary run` wrote to with --results DIR (default ./results)")
        }
        self.directory = directory
    }

    /// Every run record in the order they were logged, and the count of lines that did not decode.
    public func records() throws(RecordingError) -> (records: [RunRecord], skipped: Int) {
        try records(in: ResultsLayout.runLogFiles(directory: directory))
    }

    /// The records of the run log files `files` (paths in the folder), in that order. A segment
    /// retention deleted since it was listed is skipped.
    private func records(in files: [String]) throws(RecordingError) -> (records: [RunRecord], skipped: Int) {
        var all: (records: [RunRecord], skipped: Int) = ([], 0)
        for file in files {
            let path = directory + "/" + file
            let bytes: Data
            do {
                bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                if !FileManager.default.fileExists(atPath: path) { continue }
                throw RecordingError(action: "read", path: path, reason: (error as NSError).localizedDescription)
            }
            let decoded = Self.decodeLines(bytes)
            all.records += decoded.records
            all.skipped += decoded.skipped
        }
        return all
    }

    /// The records of `canary`, read from the newest run log file back, one file at a time,
    /// until `enough` says the records read so far (given newest first) suffice; the whole log
    /// when it never does (`complete` then). Returned in log order; `names`: every canary named
    /// in the files read. `show` and `diff` print recent runs: this opens the segments that
    /// hold them, not the whole log.
    public func latestRecords(of canary: String, until enough: ([RunRecord]) -> Bool)
        throws(RecordingError) -> (records: [RunRecord], names: Set<String>, complete: Bool) {
        var newestFirst: [RunRecord] = []
        var names = Set<String>()
        for file in ResultsLayout.runLogFiles(directory: directory).reversed() {
            let all = try records(in: [file]).records
            for record in all { names.insert(record.canary) }
            let before = newestFirst.count
            newestFirst += all.reversed().lazy.filter { $0.canary == canary }
            if newestFirst.count > before, enough(newestFirst) { return (newestFirst.reversed(), names, false) }
        }
        return (newestFirst.reversed(), names, true)
    }

    /// Names of the canaries with at least one run, sorted.
    public func canaries() throws(RecordingError) -> [String] {
        Set(try records().records.map(\.canary)).sorted()
    }

    /// The runs of `canary`, oldest first; empty when it has none.
    public func runs(of canary: String) throws(RecordingError) -> [StoredRun] {
        try records().records.filter { $0.canary == canary }.map { record in
            StoredRun(canary: record.canary, runId: record.runId, start: record.start, outcome: RunOutcome(record),
                      attempts: max(1, record.attempt), error: record.passed ? nil : record.error)
        }
    }

    /// The record of one run; nil when the folder has no such run. Reads the run log from its
    /// newest file back to the one that holds the record (it is logged when the run ends, so
    /// never before the segment its id's time was written to).
    public func record(canary: String, runId: String) throws(RecordingError) -> RunRecord? {
        try latestRecords(of: canary) { $0.contains { $0.runId == runId } }.records.last { $0.runId == runId }
    }

    /// The run's exchanges, one element per attempt kept, oldest attempt first. nil when the
    /// run's exchanges are no longer kept (pruned or expired, or never kept: `--artifacts none`).
    public func attempts(canary: String, runId: String) throws(RecordingError) -> [StoredAttempt]? {
        guard let record = try record(canary: canary, runId: runId) else { return nil }
        return try attempts(of: record)
    }

    /// The same for a record already read (from `records()`): no second pass over the run log
    /// (the report loads two runs of every failing canary).
    public func attempts(of record: RunRecord) throws(RecordingError) -> [StoredAttempt]? {
        let (canary, runId) = (record.canary, record.runId)
        if let place = record.har, let line = try read(place) {
            guard case .array(let entries)? = line["entries"], line["runId"] == .string(runId) else {
                throw RecordingError(action: "read", path: directory + "/" + place.segment,
                                     reason: "the line at offset \(place.offset) is not run \(runId)'s exchanges")
            }
            return Self.splitByAttempt(entries, lastAttempt: max(1, record.attempt))
        }
        let path = directory + "/" + ResultsLayout.storedRunFolder(canary: canary, runId: runId, directory: directory) + "/run.har"
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        guard case .array(let entries)? = try Self.parse(data, path: path)["log"]?["entries"] else {
            throw RecordingError(action: "read", path: path, reason: "no log.entries array")
        }
        return Self.splitByAttempt(entries, lastAttempt: max(1, record.attempt))
    }

    /// The JSON at `place`; nil when its segment is gone (expired by retention).
    private func read(_ place: StoredPlace) throws(RecordingError) -> JSONValue? {
        guard ResultsLayout.isExchangeSegment(place.segment), place.offset >= 0, place.length > 0, place.length < 1 << 30 else {
            throw RecordingError(action: "read", path: directory + "/" + ResultsLayout.runsFolder, reason: "a record names \(place.segment), not an exchange segment")
        }
        let path = directory + "/" + place.segment
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw RecordingError("open", path)
        }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: place.length)
        let got = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, place.length, off_t(place.offset)) }
        guard got == place.length else {
            throw RecordingError(action: "read", path: path, reason: "the segment ends before offset \(place.offset + place.length)")
        }
        return try Self.parse(Data(bytes), path: path)
    }

    private static func parse(_ data: Data, path: String) throws(RecordingError) -> JSONValue {
        do {
            return try JSON5.parseJSON(Array(data))
        } catch {
            throw RecordingError(action: "read", path: path, reason: "not whole JSON (\(error))")
        }
    }

    /// Entries carry the attempt in their `pageref` (`attempt-2`); entries without one belong to
    /// the last attempt (folders written before attempts were kept hold only the last).
    static func splitByAttempt(_ entries: [JSONValue], lastAttempt: Int) -> [StoredAttempt] {
        var byAttempt: [Int: [JSONValue]] = [:]
        for entry in entries {
            var attempt = lastAttempt
            if case .string(let page)? = entry["pageref"], page.hasPrefix("attempt-"), let number = Int(page.dropFirst(8)) {
                attempt = number
            }
            byAttempt[attempt, default: []].append(entry)
        }
        return byAttempt.keys.sorted().map { StoredAttempt(attempt: $0, entries: byAttempt[$0] ?? []) }
    }

    /// One record per whole non-empty line; lines that don't decode are counted, not fatal.
    static func decodeLines(_ bytes: Data) -> (records: [RunRecord], skipped: Int) {
        let decoder = JSONDecoder()
        var records: [RunRecord] = []
        var skipped = 0
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) { continue }
            if let record = try? decoder.decode(RunRecord.self, from: Data(line)) {
                records.append(record)
            } else {
                skipped += 1
            }
        }
        return (records, skipped)
    }
}
