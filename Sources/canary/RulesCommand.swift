import CanaryKit

/// `canary rules PATH... [--for D]`: Prometheus alerting rules for the canaries (ALARM, a quorum
/// across locations, and a staleness rule per schedule) on stdout; exit 2 when a file did not load (the others still get rules).
struct RulesCommand {
    let options: RunOptions

    func execute() -> Int32 {
        let loaded = CanaryLoader.load(paths: options.paths, variables: options.variables)
        for problem in loaded.problems { Console.error("invalid: \(problem)") }
        for entry in loaded.skipped { Console.error("skipped: \(entry)") }
        print(PrometheusRules.render(options.prepare(loaded.canaries), pending: options.rulesPending), terminator: "")
        return loaded.problems.isEmpty ? 0 : 2
    }
}
