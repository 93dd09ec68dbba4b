import Foundation

/// Where everything lives in a results folder, relative to it: the one place that spells the
/// store's file names (readers and writers ask here).
public enum ResultsLayout {
    /// The run log of earlier versions: one record per line, in the order runs finished. Read in
    /// place (before the run segments), never written any more.
    public static let runLog = "runs.jsonl"

    /// What `canary report` shows of each canary, folded from the run log (`RunSummaries`).
    public static let summaries = "summaries.bin"

    /// The folder of the run segments: append-only files of one record per line, in the order
    /// runs finished, rolled by time and size like the exchange segments.
    public static let runsFolder = "runs"

    /// The folder of the exchange segments: append-only files of one line per run holding every
    /// attempt's exchanges as HAR pages and entries.
    public static let exchangesFolder = "exchanges"

    /// A segment's path: named by its creation time, so names sort by age.
    static func segment(in folder: String, named name: String) -> String {
        folder + "/" + name + segmentSuffix
    }

    static func exchangeSegment(named name: String) -> String {
        segment(in: exchangesFolder, named: name)
    }

    static let segmentSuffix = ".jsonl"

    /// Whether `path` (from a record or a listing) names a segment of `folder`:
    /// `<folder>/<run-id-like name>.jsonl`, nothing that could lead out of the folder.
    static func isSegment(_ path: String, in folder: String) -> Bool {
        guard path.hasPrefix(folder + "/"), path.hasSuffix(segmentSuffix) else { return false }
        let name = path.dropFirst(folder.count + 1).dropLast(segmentSuffix.count)
        return RunID.isRunFolderName(String(name)) && !name.hasPrefix(".")
    }

    /// Whether `path` names a file of the run log: `runs.jsonl` or a run segment.
    static func isRunLogFile(_ path: String) -> Bool {
        path == runLog || isSegment(path, in: runsFolder)
    }

    static func isExchangeSegment(_ path: String) -> Bool {
        isSegment(path, in: exchangesFolder)
    }

    /// The files of the run log, oldest first: `runs.jsonl` when an earlier version left one, then
    /// the run segments. Each name sorts after the one before (`runs.jsonl` < `runs/…`), which
    /// `LogPosition` relies on.
    static func runLogFiles(directory: String) -> [String] {
        let legacy = FileManager.default.fileExists(atPath: directory + "/" + runLog) ? [runLog] : []
        return legacy + SegmentedLog.segmentNames(directory: directory, folder: runsFolder).map { segment(in: runsFolder, named: $0) }
    }

    /// Of the run log `files`, those that can hold the record of run `runId`: it is logged when the
    /// run ends, so in the segment being written when it began (its id starts with that time) or
    /// a later one; and `runs.jsonl`. Everything when the id does not start with a time.
    static func files(_ files: [String], holding runId: String) -> [String] {
        let started = runId.prefix(16)
        guard RunID.date(fromCompact: String(started)) != nil else { return files }
        let segments = files.filter { $0 != runLog }
        let first = segments.lastIndex { $0.dropFirst(runsFolder.count + 1).prefix(16) <= started } ?? 0
        return files.filter { $0 == runLog } + segments[first...]
    }

    /// The browsable folder of one run (run.json, run.har, snapshots, screenshots).
    public static func runFolder(canary: String, runId: String) -> String {
        canary + "/" + runId
    }
}
