import CanaryKit

/// `canary diff CANARY [RUN_A RUN_B] [--results DIR]`: what changed between two runs; by
/// default the latest failed run against the last passed one before it.
struct DiffCommand {
    static let flags: Set<String> = ["--results"]
    let options: InspectOptions

    func execute() throws -> Int32 {
        guard options.names.count == 1 || options.names.count == 3, let canary = options.names.first else {
            throw UsageError("diff: name a canary, and optionally two of its runs: `canary diff checkout [RUN_A RUN_B]`; see `canary diff --help`")
        }
        do {
            let reader = try ResultsReader(directory: options.results)
            let history = try CanaryHistory(
                canary, wanting: options.names.count == 3 ? .runs(Array(options.names[1...])) : .defaultPair, from: reader)
            let runs = try RunSelection.runs(of: canary, history.runs, known: history.known, results: options.results)
            let pair = options.names.count == 3
                ? (before: try RunSelection.pick(.id(options.names[1]), among: runs, canary: canary),
                   after: try RunSelection.pick(.id(options.names[2]), among: runs, canary: canary))
                : try RunSelection.defaultPair(among: runs, canary: canary)
            let before = try ShownRun.load(try history.chosen(pair.before), attempt: nil, from: reader)
            let after = try ShownRun.load(try history.chosen(pair.after), attempt: nil, from: reader)
            let context = InspectContext.load(for: after.record)
            print(RunDiffText.render(RunDiff(from: before, to: after), redactor: context.redactor), terminator: "")
            return 0
        } catch let problem as RunSelection.Problem {
            Console.error("diff: \(problem)")
            return 2
        }
    }
}
