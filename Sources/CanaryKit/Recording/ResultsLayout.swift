/// Where everything lives in a results folder, relative to it: the one place that spells the
/// store's file names (readers and writers ask here).
public enum ResultsLayout {
    /// The run log: one record per line, in the order runs finished.
    public static let runLog = "runs.jsonl"

    /// What `canary report` shows of each canary, folded from the run log (`RunSummaries`).
    public static let summaries = "summaries.bin"

    /// The folder of the exchange segments: append-only files of one line per run holding every
    /// attempt's exchanges as HAR pages and entries.
    public static let exchangesFolder = "exchanges"

    /// A new exchange segment's path: named by its creation time, so names sort by age.
    static func exchangeSegment(named name: String) -> String {
        exchangesFolder + "/" + name + segmentSuffix
    }

    static let segmentSuffix = ".jsonl"

    /// Whether `path` (from a record) names an exchange segment: `exchanges/<run-id-like name>.jsonl`,
    /// nothing that could lead out of the folder.
    static func isExchangeSegment(_ path: String) -> Bool {
        guard path.hasPrefix(exchangesFolder + "/"), path.hasSuffix(segmentSuffix) else { return false }
        let name = path.dropFirst(exchangesFolder.count + 1).dropLast(segmentSuffix.count)
        return RunID.isRunFolderName(String(name)) && !name.hasPrefix(".")
    }

    /// The browsable folder of one run (run.json, run.har, snapshots, screenshots).
    public static func runFolder(canary: String, runId: String) -> String {
        canary + "/" + runId
    }
}
