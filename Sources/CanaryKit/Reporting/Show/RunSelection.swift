/// Which run `canary show` prints and which two `canary diff` compares, picked from a canary's
/// runs as the reader lists them (oldest first). Pure: the CLI reads, this decides.
public enum RunSelection {
    public enum Choice: Sendable, Equatable {
        /// A run id, or a prefix of exactly one.
        case id(String)
        case last, lastFailed, lastPassed
    }

    /// A canary or run that isn't there, said with what is: exit 2.
    public struct Problem: Error, CustomStringConvertible, Equatable {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    /// The runs of `canary`, or why there are none: an unknown name gets a did-you-mean among
    /// the canaries the folder has.
    public static func runs(of canary: String, _ runs: [StoredRun], known: [String], results: String) throws(Problem) -> [StoredRun] {
        guard runs.isEmpty else { return runs }
        if known.isEmpty { throw Problem("no runs recorded in \(results); run `canary run` first, or pass the folder it wrote to with --results DIR") }
        let shown = known.prefix(10).joined(separator: ", ") + (known.count > 10 ? ", … (\(known.count) in all)" : "")
        throw Problem("no canary '\(PrintableText.escaping(canary))' in \(results)\(NameSuggestion.hint(for: canary, among: known)); its canaries: \(shown)")
    }

    public static func pick(_ choice: Choice, among runs: [StoredRun], canary: String) throws(Problem) -> StoredRun {
        switch choice {
        case .last:
            if let run = runs.last { return run }
        case .lastFailed:
            if let run = runs.last(where: { $0.outcome == .failed }) { return run }
            throw Problem("no failed run of \(canary) among its \(runs.count) recorded runs")
        case .lastPassed:
            if let run = runs.last(where: { $0.outcome == .passed }) { return run }
            throw Problem("no passed run of \(canary) among its \(runs.count) recorded runs")
        case .id(let id):
            if let run = runs.last(where: { $0.runId == id }) { return run }
            let prefixed = runs.filter { $0.runId.hasPrefix(id) }
            if prefixed.count == 1, !id.isEmpty { return prefixed[0] }
            if prefixed.count > 1, !id.isEmpty {
                throw Problem("run '\(PrintableText.escaping(id))' of \(canary) is ambiguous: \(prefixed.suffix(5).map(\.runId).joined(separator: ", ")) match; give more of the id")
            }
            throw Problem("no run '\(PrintableText.escaping(id))' of \(canary)\(NameSuggestion.hint(for: id, among: runs.map(\.runId)))"
                + "; its latest runs: \(runs.suffix(5).map(\.runId).joined(separator: ", "))")
        }
        throw Problem("no runs of \(canary)")
    }

    /// `canary diff` without run ids: the latest failed run against the last passed one before it.
    public static func defaultPair(among runs: [StoredRun], canary: String) throws(Problem) -> (before: StoredRun, after: StoredRun) {
        if let pair = defaultPair(runs.map(\.outcome)) { return (runs[pair.before], runs[pair.after]) }
        guard let failedIndex = runs.lastIndex(where: { $0.outcome == .failed }) else {
            throw Problem("no failed run of \(canary) to compare; name two runs: `canary diff \(canary) RUN_A RUN_B`")
        }
        throw Problem("no passed run of \(canary) before its failed run \(runs[failedIndex].runId); name two runs: `canary diff \(canary) RUN_A RUN_B`")
    }

    /// Positions of the latest failed run and of the last passed run before it, in outcomes
    /// oldest first; nil when there is no such pair.
    static func defaultPair(_ outcomes: [RunOutcome]) -> (before: Int, after: Int)? {
        guard let failed = outcomes.lastIndex(of: .failed), let passed = outcomes[..<failed].lastIndex(of: .passed) else { return nil }
        return (passed, failed)
    }
}
