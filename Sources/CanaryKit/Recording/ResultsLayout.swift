/// Where everything lives in a results folder, relative to it: the one place that spells the
/// store's file names (readers and writers ask here).
public enum ResultsLayout {
    /// The run log: one record per line, in the order runs finished.
    public static let runLog = "runs.jsonl"

    /// The browsable folder of one run (run.json, run.har, snapshots, screenshots).
    public static func runFolder(canary: String, runId: String) -> String {
        canary + "/" + runId
    }
}
