/// Applies a parsed JSONPath to a JSON value (RFC 9535 semantics and result order).
public enum JSONPathEvaluator {
    /// The nodes selected, in RFC 9535 order: each segment applied to each input node in turn,
    /// descendants visited in document order (a node before its children).
    public static func select(_ path: JSONPath, in value: JSONValue) -> [JSONValue] {
        JSONPathRun(root: value).select(path.segments, from: value)
    }

    /// The value a `json` query reads: nil when nothing is selected (so only `exists: false`
    /// holds); an array of the selected values when the path can select several (anything but
    /// names and single indices), even if it selected only one; otherwise the single value.
    public static func query(_ path: JSONPath, in value: JSONValue) -> JSONValue? {
        let selected = select(path, in: value)
        if selected.isEmpty { return nil }
        if canSelectSeveral(path) { return .array(selected) }
        return selected.first
    }

    /// Whether the path is not a singular query, so its result is always a list.
    public static func canSelectSeveral(_ path: JSONPath) -> Bool { !path.isSingular }
}

/// One evaluation: the root for `$` inside filters and the regular expressions compiled so far.
/// Document depth is bounded by the JSON parser and filter nesting by the path parser, so the
/// recursion here is bounded too; descendants are walked with an explicit stack.
final class JSONPathRun {
    let root: JSONValue
    var patterns = IRegexp.Cache()

    init(root: JSONValue) { self.root = root }

    func select(_ segments: [JSONPath.Segment], from node: JSONValue) -> [JSONValue] {
        var nodes = [node]
        for segment in segments {
            var next: [JSONValue] = []
            switch segment {
            case .children(let selectors):
                for node in nodes {
                    for selector in selectors { apply(selector, to: node, into: &next) }
                }
            case .descendants(let selectors):
                for node in nodes {
                    Self.visitPreorder(node) { visited in
                        for selector in selectors { apply(selector, to: visited, into: &next) }
                    }
                }
            }
            nodes = next
            if nodes.isEmpty { break }
        }
        return nodes
    }

    /// A singular query's node without building lists: nil when it selects nothing.
    func singular(_ segments: [JSONPath.Segment], from node: JSONValue) -> JSONValue? {
        var current = node
        for segment in segments {
            guard case .children(let selectors) = segment, selectors.count == 1 else { return nil }
            switch selectors[0] {
            case .name(let name):
                guard let child = Self.member(name, of: current) else { return nil }
                current = child
            case .index(let index):
                guard case .array(let elements) = current, let resolved = Self.resolve(index, count: elements.count) else { return nil }
                current = elements[resolved]
            default:
                return nil
            }
        }
        return current
    }

    private func apply(_ selector: JSONPath.Selector, to node: JSONValue, into out: inout [JSONValue]) {
        switch selector {
        case .name(let name):
            if let child = Self.member(name, of: node) { out.append(child) }
        case .wildcard:
            Self.forEachChild(of: node) { out.append($0) }
        case .index(let index):
            guard case .array(let elements) = node, let resolved = Self.resolve(index, count: elements.count) else { return }
            out.append(elements[resolved])
        case .slice(let start, let end, let step):
            guard case .array(let elements) = node else { return }
            for index in Self.sliceIndices(start: start, end: end, step: step, count: elements.count) {
                out.append(elements[index])
            }
        case .filter(let filter):
            Self.forEachChild(of: node) { child in
                if holds(filter, current: child) { out.append(child) }
            }
        }
    }

    /// A member by name, comparing Unicode scalars exactly (RFC 9535 does not normalize).
    static func member(_ name: String, of node: JSONValue) -> JSONValue? {
        guard case .object(let pairs) = node else { return nil }
        return pairs.first { $0.key.unicodeScalars.elementsEqual(name.unicodeScalars) }?.value
    }

    static func resolve(_ index: Int, count: Int) -> Int? {
        let resolved = index < 0 ? count + index : index
        return resolved >= 0 && resolved < count ? resolved : nil
    }

    static func forEachChild(of node: JSONValue, _ body: (JSONValue) -> Void) {
        switch node {
        case .array(let elements): elements.forEach(body)
        case .object(let pairs): pairs.forEach { body($0.value) }
        default: return
        }
    }

    /// The node, then each child's subtree in order (pre-order), without recursion.
    static func visitPreorder(_ node: JSONValue, _ body: (JSONValue) -> Void) {
        var stack = [node]
        while let next = stack.popLast() {
            body(next)
            switch next {
            case .array(let elements):
                for index in elements.indices.reversed() { stack.append(elements[index]) }
            case .object(let pairs):
                for index in pairs.indices.reversed() { stack.append(pairs[index].value) }
            default: break
            }
        }
    }

    /// RFC 9535 section 2.3.4.2.2: bounds clamped to the array, a negative step walks backwards,
    /// a zero step selects nothing.
    static func sliceIndices(start: Int?, end: Int?, step: Int?, count: Int) -> [Int] {
        let step = step ?? 1
        guard step != 0 else { return [] }
        func normalized(_ index: Int) -> Int { index >= 0 ? index : count + index }
        var indices: [Int] = []
        if step > 0 {
            let lower = min(max(normalized(start ?? 0), 0), count)
            let upper = min(max(normalized(end ?? count), 0), count)
            var index = lower
            while index < upper {
                indices.append(index)
                index += step
            }
        } else {
            let upper = min(max(start.map(normalized) ?? count - 1, -1), count - 1)
            let lower = min(max(end.map(normalized) ?? -1, -1), count - 1)
            var index = upper
            while lower < index {
                indices.append(index)
                index += step
            }
        }
        return indices
    }
}
