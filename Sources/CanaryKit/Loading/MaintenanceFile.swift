/// `--maintenance FILE`: maintenance windows for a fleet, as a JSON5 list of the windows a canary
/// file takes, each with optional `tags` that select the canaries it covers:
/// `[{cron: "0 2 * * 0", duration: "2h", tags: {team: "payments"}}, {from: "…Z", to: "…Z"}]`.
public enum MaintenanceFile {
    /// Every problem in the file, each with its place and fix.
    public struct Problems: Error {
        public var list: [LoadProblem]
    }

    /// The windows, or every problem with its file, line and column.
    public static func parse(_ bytes: [UInt8], file: String) -> Result<[FleetMaintenance], Problems> {
        let root: LocatedJSON
        do {
            root = try JSON5.parseLocated(bytes, file: file)
        } catch {
            return .failure(Problems(list: [LoadProblem(location: SourceLocation(file: file, line: error.line, column: error.column), message: error.message)]))
        }
        let decoder = CanaryFileDecoder(file: file, definedVariables: [])
        guard case .array(let items) = root.kind else {
            return .failure(Problems(list: [LoadProblem(
                location: root.location,
                message: "a maintenance file is a list of windows such as [{cron: \"0 2 * * 0\", duration: \"2h\", tags: {team: \"payments\"}}], found \(root.foundDescription)")]))
        }
        let windows = items.compactMap(decoder.decodeFleetWindow)
        return decoder.problems.isEmpty ? .success(windows) : .failure(Problems(list: decoder.problems))
    }

    /// `canaries` with the windows whose tags they all carry added to their own.
    public static func applying(_ windows: [FleetMaintenance], to canaries: [Canary]) -> [Canary] {
        guard !windows.isEmpty else { return canaries }
        return canaries.map { canary in
            var covered = canary
            covered.maintenance += windows.filter { $0.selects(canary) }.map(\.window)
            return covered
        }
    }
}

/// One window of `--maintenance FILE` and the tags that select its canaries.
public struct FleetMaintenance: Sendable {
    public var window: MaintenanceWindow
    /// Every one must be among the canary's tags (after `--location`); empty selects every canary.
    public var tags: [(key: String, value: String)]

    func selects(_ canary: Canary) -> Bool {
        tags.allSatisfy { wanted in canary.tags.contains { $0.key == wanted.key && $0.value == wanted.value } }
    }
}
