/// Applies a parsed JSONPath to a JSON value.
public enum JSONPathEvaluator {
    /// Values selected, in document order. `$`, `.name`, `['name']`, `[0]`, `[-1]`, `[*]`,
    /// `..name`, `..*`. Recursive descent visits a node before its descendants (RFC 9535 order).
    public static func select(_ path: JSONPath, in value: JSONValue) -> [JSONValue] {
        var nodes = [value]
        for segment in path.segments {
            nodes = nodes.flatMap { apply(segment, to: $0) }
            if nodes.isEmpty { break }
        }
        return nodes
    }

    /// The value a `json` query reads: nil when nothing is selected (so only `exists: false`
    /// holds); an array of the selected values when the path can select several (`[*]`, `..`),
    /// even if it selected only one; otherwise the single value.
    public static func query(_ path: JSONPath, in value: JSONValue) -> JSONValue? {
        let selected = select(path, in: value)
        if selected.isEmpty { return nil }
        if canSelectSeveral(path) { return .array(selected) }
        return selected.first
    }

    /// Whether the path has a wildcard or recursive descent, whose result is always a list.
    public static func canSelectSeveral(_ path: JSONPath) -> Bool {
        path.segments.contains { segment in
            switch segment {
            case .key, .index: return false
            case .wildcard, .descendant, .descendantWildcard: return true
            }
        }
    }

    private static func apply(_ segment: JSONPath.Segment, to node: JSONValue) -> [JSONValue] {
        switch segment {
        case .key(let name):
            return node[name].map { [$0] } ?? []
        case .index(let index):
            guard case .array(let elements) = node else { return [] }
            // Negative indices count from the end: -1 is the last element.
            let resolved = index < 0 ? elements.count + index : index
            return elements.indices.contains(resolved) ? [elements[resolved]] : []
        case .wildcard:
            return children(of: node)
        case .descendant(let name):
            return selfAndDescendants(of: node).compactMap { $0[name] }
        case .descendantWildcard:
            return selfAndDescendants(of: node).flatMap(children(of:))
        }
    }

    private static func children(of node: JSONValue) -> [JSONValue] {
        switch node {
        case .array(let elements): return elements
        case .object(let pairs): return pairs.map(\.value)
        default: return []
        }
    }

    /// The node, then each child's subtree in order (pre-order).
    private static func selfAndDescendants(of node: JSONValue) -> [JSONValue] {
        var visited: [JSONValue] = []
        var stack = [node]
        while let next = stack.popLast() {
            visited.append(next)
            stack.append(contentsOf: children(of: next).reversed())
        }
        return visited
    }
}
