/// `matrix`: one canary per combination of entries, the keys multiplied in the order written
/// (the first key varies slowest). `matrix: {target: [{name: "eu", base: "https://eu.example"}],
/// browser: ["chrome", "firefox"]}` gives `checkout[eu,chrome]` and `checkout[eu,firefox]`, each
/// with the entries' values as variables (`{{target}}` is the entry's name, `{{base}}` its
/// `base`) and as tags (`target: eu`).
struct MatrixCombination: Sendable {
    struct Entry: Sendable {
        var key: String
        var name: String
        var location: SourceLocation
    }

    var entries: [Entry]
    /// `{{key}}` → the entry's name, and each value of the entries.
    var variables: [String: String]

    /// `[eu,chrome]`, appended to the canary's name.
    var suffix: String { "[" + entries.map(\.name).joined(separator: ",") + "]" }

    /// `matrix entry target 'eu' at line 4, column 7`, for problems of this combination.
    var place: String {
        entries.map { "matrix entry \($0.key) '\(LoadProblem.excerpt($0.name))' at line \($0.location.line), column \($0.location.column)" }
            .joined(separator: ", ")
    }
}

extension CanaryFileDecoder {
    /// A matrix expanding to more canaries than this is refused: a typo in a list should not
    /// schedule thousands of canaries.
    static let maximumMatrixCanaries = 50

    /// The combinations, or nil when the matrix has a problem (reported at its entry).
    func decodeMatrix(_ value: LocatedJSON) -> [MatrixCombination]? {
        let before = problems.count
        guard let keys = map(value, in: "'matrix'"), !keys.isEmpty else {
            if problems.count == before { report("'matrix' is empty; write {\"target\": [{\"name\": \"eu\", \"base\": \"https://eu.example\"}]}", at: value.location) }
            return nil
        }
        var combinations = [MatrixCombination(entries: [], variables: [:])]
        var variableKeys: [String: String] = [:]
        for member in keys {
            if !Template.isValidName(member.key) {
                report("matrix key '\(Self.excerpt(member.key))' can't be used as {{\(Self.excerpt(member.key))}}; use letters, digits, '_' and '-'", at: member.keyLocation)
            }
            let entries = decodeMatrixEntries(member, variableKeys: &variableKeys)
            let count = combinations.count * max(entries.count, 1)
            guard count <= Self.maximumMatrixCanaries else {
                report("'matrix' expands to \(count) canaries or more; at most \(Self.maximumMatrixCanaries) per file: split it into several files or drop entries", at: member.keyLocation)
                return nil
            }
            combinations = combinations.flatMap { combination in
                entries.map { entry, values in
                    var next = combination
                    next.entries.append(entry)
                    next.variables.merge(values) { _, new in new }
                    return next
                }
            }
        }
        return problems.count == before ? combinations : nil
    }

    /// `[{name: "eu", base: "…"}, "us"]`: each entry's name and variables (its key → its name,
    /// and its other members). Problems are placed at the entry.
    private func decodeMatrixEntries(_ member: LocatedJSON.Member, variableKeys: inout [String: String]) -> [(MatrixCombination.Entry, [String: String])] {
        guard case .array(let items) = member.value.kind, !items.isEmpty else {
            report("matrix key '\(Self.excerpt(member.key))' takes a list of entries such as [{\"name\": \"eu\", \"base\": \"https://eu.example\"}] or [\"eu\", \"us\"], found \(member.value.foundDescription)", at: member.value.location)
            return []
        }
        claimVariable(member.key, for: member.key, at: member.keyLocation, in: &variableKeys)
        var names: [String: SourceLocation] = [:]
        return items.compactMap { item in
            var values: [String: String] = [:]
            let name: String?
            if case .string(let text) = item.kind {
                name = text
            } else if let members = map(item, in: "a '\(member.key)' entry of 'matrix'") {
                guard let nameMember = members.first(where: { $0.key == "name" }) else {
                    report("this '\(Self.excerpt(member.key))' entry of 'matrix' has no \"name\"; add one such as \"name\": \"eu\" (it names the canary: checkout[eu])", at: item.location)
                    return nil
                }
                name = string(nameMember.value, for: "the entry's 'name'", like: "eu")
                for value in members where value.key != "name" {
                    if !Template.isValidName(value.key) {
                        report("matrix value '\(Self.excerpt(value.key))' can't be used as {{\(Self.excerpt(value.key))}}; use letters, digits, '_' and '-'", at: value.keyLocation)
                    }
                    claimVariable(value.key, for: member.key, at: value.keyLocation, in: &variableKeys)
                    values[value.key] = text(value.value, for: "matrix value '\(value.key)'")
                }
            } else {
                return nil
            }
            guard let name else { return nil }
            if let problem = Self.nameProblem(name) ?? (name.contains(where: { ",[]".contains($0) }) ? "holds ',', '[' or ']', which the canary's name uses to list its entries; remove it" : nil) {
                report("matrix entry name '\(Self.excerpt(name))' \(problem)", at: item.location)
                return nil
            }
            if let first = names[name] {
                report("'\(Self.excerpt(member.key))' has two entries named '\(Self.excerpt(name))' (the first at line \(first.line), column \(first.column)); entry names must be unique", at: item.location)
                return nil
            }
            names[name] = item.location
            values[member.key] = name
            return (MatrixCombination.Entry(key: member.key, name: name, location: item.location), values)
        }
    }

    /// Each variable comes from one matrix key: two keys giving `{{base}}` would leave which wins unclear.
    private func claimVariable(_ variable: String, for key: String, at location: SourceLocation, in claimed: inout [String: String]) {
        if let owner = claimed[variable], owner != key {
            report("matrix key '\(Self.excerpt(key))' gives {{\(Self.excerpt(variable))}}, which '\(Self.excerpt(owner))' gives already; rename one", at: location)
        } else {
            claimed[variable] = key
        }
    }
}
