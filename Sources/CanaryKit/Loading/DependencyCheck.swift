/// `dependsOn` across the loaded canaries: every name must be a loaded canary other than itself,
/// and no chain may come back to where it started. A canary with such a problem does not load.
enum DependencyCheck {
    static func problems(_ canaries: [Canary]) -> [LoadProblem] {
        let byName = Dictionary(canaries.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var problems: [LoadProblem] = []
        for canary in canaries {
            for (name, place) in zip(canary.dependsOn, canary.dependsOnPlaces) {
                let message: String
                if name == canary.name {
                    message = "'dependsOn': a canary can't depend on itself; remove '\(name)'"
                } else if byName[name] == nil {
                    message = "'dependsOn': no canary '\(LoadProblem.excerpt(name))' was loaded"
                        + NameSuggestion.hint(for: name, among: byName.keys.sorted()) + " (name a loaded canary, and load its file too)"
                } else if let cycle = cycle(from: canary.name, through: name, byName) {
                    message = "'dependsOn': a cycle \(cycle.joined(separator: " → ")); a dependency can't depend on its dependent, remove one"
                } else {
                    continue
                }
                problems.append(LoadProblem(location: place, canary: canary.name, message: message))
            }
        }
        return problems
    }

    /// The path start → next → … → start when `next`'s dependencies lead back to `start`.
    private static func cycle(from start: String, through next: String, _ byName: [String: Canary]) -> [String]? {
        var seen: Set<String> = []
        func walk(_ name: String, _ path: [String]) -> [String]? {
            if name == start { return path + [name] }
            guard seen.insert(name).inserted, let canary = byName[name] else { return nil }
            for dependency in canary.dependsOn {
                if let found = walk(dependency, path + [name]) { return found }
            }
            return nil
        }
        return walk(next, [start])
    }
}
