/// Filter evaluation: logical operators, comparisons (RFC 9535 section 2.3.5.2.2) and the five
/// functions. A value of nil is the RFC's "Nothing" (an empty nodelist or a function that has
/// no result).
extension JSONPathRun {
    func holds(_ filter: JSONPathFilter, current: JSONValue) -> Bool {
        switch filter {
        case .or(let terms):
            return terms.contains { holds($0, current: current) }
        case .and(let terms):
            return terms.allSatisfy { holds($0, current: current) }
        case .not(let inner):
            return !holds(inner, current: current)
        case .exists(let query):
            let start = query.relative ? current : root
            if query.isSingular { return singular(query.segments, from: start) != nil }
            return !select(query.segments, from: start).isEmpty
        case .test(let call):
            return test(call, current: current)
        case .compare(let left, let comparison, let right):
            return Self.compare(value(left, current: current), comparison, value(right, current: current))
        }
    }

    private func value(_ operand: JSONPathOperand, current: JSONValue) -> JSONValue? {
        switch operand {
        case .literal(let value):
            return value
        case .query(let query):
            return singular(query.segments, from: query.relative ? current : root)
        case .function(let call):
            return functionValue(call, current: current)
        }
    }

    private func nodes(_ operand: JSONPathOperand, current: JSONValue) -> [JSONValue] {
        guard case .query(let query) = operand else { return value(operand, current: current).map { [$0] } ?? [] }
        return select(query.segments, from: query.relative ? current : root)
    }

    private func functionValue(_ call: JSONPathFunctionCall, current: JSONValue) -> JSONValue? {
        switch call.function {
        case .length:
            switch value(call.arguments[0], current: current) {
            case .string(let text): return .number(Double(text.unicodeScalars.count))
            case .array(let elements): return .number(Double(elements.count))
            case .object(let pairs): return .number(Double(pairs.count))
            default: return nil
            }
        case .count:
            return .number(Double(nodes(call.arguments[0], current: current).count))
        case .value:
            let selected = nodes(call.arguments[0], current: current)
            return selected.count == 1 ? selected[0] : nil
        case .match, .search:
            return .bool(test(call, current: current))
        }
    }

    /// `match` (the whole string) and `search` (any substring); false when either argument is
    /// not a string or the pattern is not a valid I-Regexp.
    private func test(_ call: JSONPathFunctionCall, current: JSONValue) -> Bool {
        guard call.arguments.count == 2,
              case .string(let text)? = value(call.arguments[0], current: current),
              case .string(let pattern)? = value(call.arguments[1], current: current) else { return false }
        return patterns.matches(pattern, in: text, whole: call.function == .match)
    }

    static func compare(_ left: JSONValue?, _ comparison: JSONPathComparison, _ right: JSONValue?) -> Bool {
        switch comparison {
        case .equal: return equal(left, right)
        case .notEqual: return !equal(left, right)
        case .less: return less(left, right)
        case .lessOrEqual: return less(left, right) || equal(left, right)
        case .greater: return less(right, left)
        case .greaterOrEqual: return less(right, left) || equal(left, right)
        }
    }

    /// Nothing equals only Nothing; strings compare by Unicode scalars; arrays element by
    /// element; objects by the same names with equal values, in any order.
    static func equal(_ left: JSONValue?, _ right: JSONValue?) -> Bool {
        switch (left, right) {
        case (nil, nil): return true
        case (.null?, .null?): return true
        case let (.bool(a)?, .bool(b)?): return a == b
        case let (.number(a)?, .number(b)?): return a == b
        case let (.string(a)?, .string(b)?): return a.unicodeScalars.elementsEqual(b.unicodeScalars)
        case let (.array(a)?, .array(b)?):
            return a.count == b.count && zip(a, b).allSatisfy { equal($0, $1) }
        case let (.object(a)?, .object(b)?):
            return a.count == b.count && a.allSatisfy { pair in equal(pair.value, member(pair.key, of: .object(b))) }
        default: return false
        }
    }

    /// Only numbers with numbers and strings with strings are ordered; anything else is false.
    static func less(_ left: JSONValue?, _ right: JSONValue?) -> Bool {
        switch (left, right) {
        case let (.number(a)?, .number(b)?): return a < b
        case let (.string(a)?, .string(b)?):
            return a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) { $0.value < $1.value }
        default: return false
        }
    }
}
