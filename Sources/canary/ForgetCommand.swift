import CanaryKit
import CurlEngine

/// `canary forget NAME... [--results DIR]`: removes canaries by hand, as a removed file does after
/// `--forget-after`: alarm state, metrics series, Pushgateway group (with `--pushgateway`), and a
/// `Canary Removed` event to the sinks given. An unknown name is exit 2, with the closest known one.
struct ForgetCommand {
    static let flags: Set<String> = [
        "--results", "--pushgateway", "--webhook", "--on-alarm", "--on-alarm-arg", "--sink-timeout", "--sink-max-age",
        "--account", "--allow-shared-results", "--results-mode", "--pass-env",
    ]
    let options: RunOptions

    func execute() async throws -> Int32 {
        guard !options.paths.isEmpty else { throw UsageError("forget: name the canary to forget, e.g. `canary forget checkout`") }
        ResultsAccess.configure(fileMode: options.resultsMode, allowShared: options.allowSharedResults)
        ChildEnvironment.configure(passing: options.passEnvironment)
        guard let lock = try ResultsLock(directory: options.results, wait: false) else {
            Console.error("forget: results folder \(options.results) is in use by another canary process; "
                + "stop `canary schedule` first (or remove the canary's file and let --forget-after remove it)")
            return 3
        }
        let engine = try CurlEngine()
        defer { engine.shutdown() }
        let outputs = try RunOutputs(directory: options.results, settings: options.outputs, engine: engine, canaries: [])
        let (unknown, known) = try await outputs.forget(options.paths)
        guard unknown.isEmpty else {
            for name in unknown {
                Console.error("forget: no canary '\(name)' in \(options.results)/state.json\(NameSuggestion.hint(for: name, among: known))")
            }
            return 2
        }
        for warning in try await outputs.finish() { Console.error("warning: \(warning)") }
        withExtendedLifetime(lock) {}
        for name in options.paths {
            Console.line("forgot \(name): alarm state and metrics removed, 'Canary Removed' event sent"
                + (options.outputs.pushgateway == nil ? "" : ", Pushgateway group deleted"))
        }
        return 0
    }
}
