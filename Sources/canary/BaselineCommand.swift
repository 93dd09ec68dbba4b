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
        // Both become path components: they must name an entry of the results folder, nothing above it.
        for name in [canary] + (options.runId.map { [$0] } ?? []) where name.contains("/") || name.hasPrefix(".") || name.isEmpty {
            throw UsageError("baseline: '\(name)' is not a canary or run name (no '/', no leading '.')")
        }
        let folder = options.results + "/" + canary
        guard let runs = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            Console.error("baseline: no runs of \(canary) in \(options.results) (no folder \(folder))")
            return 2
        }
        let recorded = runs.filter { !$0.hasPrefix(".") }.sorted()
        let chosen = options.runId ?? recorded.last { hasScreenshots(folder + "/" + $0) }
        guard let run = chosen, recorded.contains(run) else {
            let which = options.runId.map { "no run \($0) of \(canary)" } ?? "no run of \(canary) has a screenshot"
            Console.error("baseline: \(which) in \(options.results); its runs: \(recorded.suffix(5).joined(separator: ", "))")
            return 2
        }
        let files = try Baselines(results: options.results).adopt(runFolder: folder + "/" + run, canary: canary)
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
