import CanaryKit
import Foundation

/// `canary show CANARY [--run RUNID | --last | --last-failed | --last-passed] [--attempt N]
/// [--format http|har|json|curl] [--results DIR]`: one recorded run, from wherever it is stored.
struct ShowCommand {
    static let flags: Set<String> = ["--results", "--run", "--last", "--last-failed", "--last-passed", "--attempt", "--format"]
    let options: InspectOptions

    func execute() throws -> Int32 {
        guard options.names.count == 1, let canary = options.names.first else {
            throw UsageError("show: name one canary, e.g. `canary show checkout --last-failed`; see `canary show --help`")
        }
        do {
            let reader = try ResultsReader(directory: options.results)
            let history = try CanaryHistory(canary, wanting: .run(options.choice ?? .last), from: reader)
            let runs = try RunSelection.runs(of: canary, history.runs, known: history.known, results: options.results)
            let run = try RunSelection.pick(options.choice ?? .last, among: runs, canary: canary)
            let shown = try ShownRun.load(try history.chosen(run), attempt: options.attempt, from: reader)
            let context = InspectContext.load(for: shown.record)
            switch options.format {
            case .http: print(ShowText.render(shown, redactor: context.redactor), terminator: "")
            case .curl: print(ShowCurl.render(shown, redactor: context.redactor, sources: context.curlSources), terminator: "")
            case .json: print(try ShowJSON.record(shown, redactor: context.redactor))
            case .har: print(try ShowJSON.har(shown, redactor: context.redactor))
            }
            return 0
        } catch let problem as RunSelection.Problem {
            Console.error("show: \(problem)")
            return 2
        }
    }
}

/// The canary file a run names, read for its secrets and templates (see `ShowContext`).
enum InspectContext {
    static func load(for record: RunRecord) -> ShowContext {
        let bytes = FileManager.default.contents(atPath: record.file).map { [UInt8]($0) }
        return ShowContext(canaryFile: bytes, path: record.file, environment: ProcessInfo.processInfo.environment)
    }
}
