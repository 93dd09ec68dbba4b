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

    /// The browsable folder of one run (run.json, run.har, snapshots, screenshots), as written now.
    public static func runFolder(canary: String, runId: String) -> String {
        canaryFolder(canary) + "/" + runId
    }

    /// A canary's folder: its name's slug (`NameSlug`), never one of the folder's own entries.
    public static func canaryFolder(_ name: String) -> String {
        NameSlug.slug(name, reserved: ResultsStore.ownFiles)
    }

    /// Where versions before slugs kept a canary's runs: the name itself. Only for names those
    /// versions allowed (`NameSlug.wasFileSafe`, not starting with '.', not an entry of the
    /// folder's own) that are not their own slug (`Api_v2`, `web.home`); nil for any other.
    public static func legacyCanaryFolder(_ name: String) -> String? {
        guard NameSlug.wasFileSafe(name), ResultsStore.reservedReason(for: name) == nil, name != canaryFolder(name) else { return nil }
        return name
    }

    /// The folder of run `runId` as stored in `directory`: where it is written now, else where
    /// an earlier version wrote it (read in place, never moved), else where it is written now.
    public static func storedRunFolder(canary: String, runId: String, directory: String) -> String {
        let current = runFolder(canary: canary, runId: runId)
        guard let legacy = legacyCanaryFolder(canary).map({ $0 + "/" + runId }),
              !FileManager.default.fileExists(atPath: directory + "/" + current),
              FileManager.default.fileExists(atPath: directory + "/" + legacy) else { return current }
        return legacy
    }

    /// Whether `run` was recorded by a version before slugs (its folder, or a step's snapshot,
    /// is named by the name itself), as found in `directory`.
    public static func isLegacyRun(_ run: RunRecord, directory: String) -> Bool {
        let folder = storedRunFolder(canary: run.canary, runId: run.runId, directory: directory)
        guard folder == runFolder(canary: run.canary, runId: run.runId) else { return true }
        return run.steps.indices.contains { index in
            Snapshot.legacyBaseName(index: index + 1, step: run.steps[index].name).map {
                FileManager.default.fileExists(atPath: directory + "/" + folder + "/" + $0 + ".http")
            } ?? false
        }
    }
}

/// The names of a run's folder and step files, as written now or (`legacy`) by a version before
/// slugs, for links into the run's folder.
struct RunFileNames {
    let run: RunRecord
    let legacy: Bool

    init(_ run: RunRecord, legacy: Bool) {
        self.run = run
        self.legacy = legacy
    }

    /// The canary's folder, relative to the results folder.
    var folder: String {
        (legacy ? ResultsLayout.legacyCanaryFolder(run.canary) : nil) ?? ResultsLayout.canaryFolder(run.canary)
    }

    /// `01-login`: the base name of step `index`'s (from 0) snapshot and screenshot files.
    func step(_ index: Int) -> String {
        let name = run.steps[index].name
        return (legacy ? Snapshot.legacyBaseName(index: index + 1, step: name) : nil) ?? Snapshot.baseName(index: index + 1, step: name)
    }
}
