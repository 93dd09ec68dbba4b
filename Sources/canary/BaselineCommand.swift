import CanaryKit
import Foundation

/// `canary baseline CANARY [--run RUNID] [--results DIR]`: the screenshots of one recorded run
/// (default: the newest run with screenshots) become the canary's visual baseline.
struct BaselineCommand {
    let options: RunOptions

    func execute() throws -> Int32 {
        guard options.paths.count == 1, let canary = options.paths.first else {
            throw UsageError("baseline: name one canary, e.g. `canary baseline homepage [--run RUNID]`")
        }
        // The run id becomes a path component: it must name an entry of the canary's folder, nothing above it.
        if let run = options.runId, run.contains("/") || run.hasPrefix(".") || run.isEmpty {
            throw UsageError("baseline: '\(run)' is not a run id (no '/', no leading '.')")
        }
        // The canary's folder is its name's slug; runs an earlier version recorded are in a folder named by the name.
        let folders = ([ResultsLayout.canaryFolder(canary)] + (ResultsLayout.legacyCanaryFolder(canary).map { [$0] } ?? []))
            .map { options.results + "/" + $0 }
        var runFolders: [String: String] = [:]
        for folder in folders.reversed() {
            for run in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where !run.hasPrefix(".") { runFolders[run] = folder + "/" + run }
        }
        guard !runFolders.isEmpty else {
            Console.error("baseline: no runs of \(canary) in \(options.results) (no folder \(folders[0]))")
            return 2
        }
        let recorded = runFolders.keys.sorted()
        let chosen = options.runId ?? recorded.last { hasScreenshots(runFolders[$0] ?? "") }
        guard let run = chosen, let folder = runFolders[run] else {
            let which = options.runId.map { "no run \($0) of \(canary)" } ?? "no run of \(canary) has a screenshot"
            Console.error("baseline: \(which) in \(options.results); its runs: \(recorded.suffix(5).joined(separator: ", "))")
            return 2
        }
        let files = try Baselines(results: options.results).adopt(runFolder: folder, canary: canary)
        guard !files.isEmpty else {
            Console.error("baseline: run \(run) of \(canary) has no screenshots; pick one that has with --run")
            return 2
        }
        Console.line("baseline of \(canary) set from run \(run): \(files.joined(separator: ", "))")
        return 0
    }

    private func hasScreenshots(_ runFolder: String) -> Bool {
        ((try? FileManager.default.contentsOfDirectory(atPath: runFolder)) ?? []).contains { $0.hasSuffix(".png") && !$0.hasSuffix(".diff.png") }
    }
}
