/// A parsed RFC 9535 JSONPath query: `$` followed by child (`.name`, `[…]`) and descendant
/// (`..name`, `..[…]`) segments, each a list of selectors (name, wildcard, index, slice, filter).
public struct JSONPath: Sendable, Equatable, CustomStringConvertible {
    public enum Segment: Sendable, Equatable {
        /// `.name`, `.*`, `[sel, sel…]`: the selectors applied to each input node.
        case children([Selector])
        /// `..name`, `..*`, `..[sel, sel…]`: the selectors applied to each node and every descendant.
        case descendants([Selector])
    }

    public enum Selector: Sendable, Equatable {
        case name(String)
        case wildcard
        /// A negative index counts from the end: -1 is the last element.
        case index(Int)
        case slice(start: Int?, end: Int?, step: Int?)
        case filter(JSONPathFilter)
    }

    public var source: String
    public var segments: [Segment]
    public init(source: String, segments: [Segment]) {
        self.source = source
        self.segments = segments
    }
    public var description: String { source }

    /// RFC 9535's singular query: only single-name and single-index child segments, so it selects
    /// at most one node. A `json` query that is not singular always gives a list.
    public var isSingular: Bool { JSONPath.isSingular(segments) }

    static func isSingular(_ segments: [Segment]) -> Bool {
        segments.allSatisfy { segment in
            guard case .children(let selectors) = segment, selectors.count == 1 else { return false }
            switch selectors[0] {
            case .name, .index: return true
            default: return false
            }
        }
    }
}

extension JSONPath.Segment {
    /// `.name` / `['name']`.
    public static func key(_ name: String) -> Self { .children([.name(name)]) }
    /// `[n]`.
    public static func index(_ index: Int) -> Self { .children([.index(index)]) }
    /// `.*` / `[*]`.
    public static var wildcard: Self { .children([.wildcard]) }
    /// `..name`.
    public static func descendant(_ name: String) -> Self { .descendants([.name(name)]) }
    /// `..*`.
    public static var descendantWildcard: Self { .descendants([.wildcard]) }
}

/// The logical expression of a filter selector `[?…]`.
public indirect enum JSONPathFilter: Sendable, Equatable {
    case or([JSONPathFilter])
    case and([JSONPathFilter])
    case not(JSONPathFilter)
    /// A query as a test: true when it selects at least one node.
    case exists(JSONPathQuery)
    /// A function returning a logical value (`match`, `search`) as a test.
    case test(JSONPathFunctionCall)
    case compare(JSONPathOperand, JSONPathComparison, JSONPathOperand)
}

/// A query inside a filter: relative to the current node (`@…`) or to the root (`$…`).
public struct JSONPathQuery: Sendable, Equatable {
    public var relative: Bool
    public var segments: [JSONPath.Segment]
    public var isSingular: Bool { JSONPath.isSingular(segments) }
}

public enum JSONPathComparison: String, Sendable, Equatable {
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
}

/// One side of a comparison or a function argument.
public indirect enum JSONPathOperand: Sendable, Equatable {
    case literal(JSONValue)
    /// A singular query when a value is wanted; any query when a function takes nodes.
    case query(JSONPathQuery)
    case function(JSONPathFunctionCall)
}

public struct JSONPathFunctionCall: Sendable, Equatable {
    public var function: JSONPathFunction
    public var arguments: [JSONPathOperand]
}

/// The five functions of RFC 9535 and their types (checked when the path is parsed).
public enum JSONPathFunction: String, Sendable, Equatable, CaseIterable {
    case length, count, match, search, value

    public enum ParameterType: Sendable { case value, nodes }
    public enum ResultType: Sendable { case value, logical }

    public var parameters: [ParameterType] {
        switch self {
        case .length: return [.value]
        case .count, .value: return [.nodes]
        case .match, .search: return [.value, .value]
        }
    }

    public var result: ResultType {
        switch self {
        case .length, .count, .value: return .value
        case .match, .search: return .logical
        }
    }
}
