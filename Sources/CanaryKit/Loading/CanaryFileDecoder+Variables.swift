/// Variables may use variables (`api: "{{base}}/v1"`): each placeholder must name a variable
/// or a `--var`, and no variable may use itself, directly or through others.
extension CanaryFileDecoder {
    /// Checks the placeholders in `variables`' values; call once `knownNames` holds the variables.
    func checkVariableTemplates(_ value: LocatedJSON, _ variables: [String: String]) {
        var uses: [String: [String]] = [:]
        var places: [(name: String, location: SourceLocation)] = []
        for member in value.objectMembers ?? [] {
            guard let text = variables[member.key], text.contains("{{"),
                  let template = template(text, at: member.value.location, for: "variable '\(Self.excerpt(member.key))'")
            else { continue }
            // A `--var` replaces the file's value, so its placeholders are never used.
            guard !definedVariables.contains(member.key) else { continue }
            uses[member.key] = template.variableNames.filter { variables[$0] != nil && !definedVariables.contains($0) }
            places.append((member.key, member.value.location))
        }
        var reported: Set<String> = []
        for (name, location) in places where !reported.contains(name) {
            guard let chain = Self.cycle(from: name, uses: uses) else { continue }
            reported.formUnion(chain)
            report(InterpolationError.variableCycle(chain).description, at: location)
        }
    }

    /// The first way back to `start` through `uses`, as `start → … → start`, if there is one.
    private static func cycle(from start: String, uses: [String: [String]]) -> [String]? {
        var visited: Set<String> = []
        func walk(_ path: [String]) -> [String]? {
            for next in uses[path[path.count - 1]] ?? [] {
                if next == start { return path + [next] }
                guard visited.insert(next).inserted else { continue }
                if let found = walk(path + [next]) { return found }
            }
            return nil
        }
        return walk([start])
    }
}
