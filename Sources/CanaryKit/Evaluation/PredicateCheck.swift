/// Whether one predicate holds for a value, and if not, what was expected and what was found.
public enum PredicateOutcome: Sendable, Equatable {
    case holds
    /// `expected` and `actual` as recorded (`< 800ms`, `1234ms`); `reason` is the sentence a
    /// person reads after the query's label: `expected < 800ms, got 1234ms`.
    case fails(expected: String, actual: String, reason: String)
}

/// Checks predicates against one (possibly missing) value, phrasing failures in a given style.
struct PredicateCheck: Sendable {
    var style: ValueStyle

    func check(_ predicate: Predicate, against value: JSONValue?) -> PredicateOutcome {
        let expected = expectedText(predicate)
        guard let value else {
            // A missing value fails everything except `exists: false`.
            if case .exists(false) = predicate { return .holds }
            return failure(expected: expected, actual: style.missingText)
        }
        switch predicate {
        case .exists(let shouldExist):
            return shouldExist ? .holds : failure(expected: expected, actual: style.actualText(value))
        case .equals(let operand):
            return value == operand ? .holds : mismatch(expected: expected, value: value, operand: operand)
        case .notEquals(let operand):
            return value != operand ? .holds : failure(expected: expected, actual: style.actualText(value))
        case .lessThan(let operand):
            return compare(value, with: operand, expected: expected) { $0 < $1 } orStrings: { $0 < $1 }
        case .lessThanOrEqual(let operand):
            return compare(value, with: operand, expected: expected) { $0 <= $1 } orStrings: { $0 <= $1 }
        case .greaterThan(let operand):
            return compare(value, with: operand, expected: expected) { $0 > $1 } orStrings: { $0 > $1 }
        case .greaterThanOrEqual(let operand):
            return compare(value, with: operand, expected: expected) { $0 >= $1 } orStrings: { $0 >= $1 }
        case .isIn(let candidates):
            return candidates.contains(value) ? .holds : failure(expected: expected, actual: style.actualText(value))
        case .contains(let operand):
            return containment(of: operand, in: value, expected: expected, wanted: true)
        case .notContains(let operand):
            return containment(of: operand, in: value, expected: expected, wanted: false)
        case .matches(let pattern):
            return match(pattern, against: value, expected: expected)
        case .length(let nested):
            return length(of: value, checkedBy: nested, expected: expected)
        case .type(let name):
            if value.typeName == name { return .holds }
            return failure(expected: expected, actual: style.kindedText(value))
        }
    }

    /// How a predicate reads as an expectation: `200`, `< 800ms`, `contains "ok"`, `length >= 1`.
    func expectedText(_ predicate: Predicate) -> String {
        switch predicate {
        case .equals(let operand): return style.text(operand)
        case .notEquals(let operand): return "not " + style.text(operand)
        case .lessThan(let operand): return "< " + style.text(operand)
        case .lessThanOrEqual(let operand): return "<= " + style.text(operand)
        case .greaterThan(let operand): return "> " + style.text(operand)
        case .greaterThanOrEqual(let operand): return ">= " + style.text(operand)
        case .isIn(let candidates): return "one of [" + candidates.map(style.text).joined(separator: ", ") + "]"
        case .contains(let operand): return "contains " + operand.displayText
        case .notContains(let operand): return "not contains " + operand.displayText
        case .matches(let pattern): return "matches /\(pattern)/"
        case .exists(let shouldExist): return shouldExist ? "exists" : "absent"
        case .length(let nested):
            let counts = PredicateCheck(style: ValueStyle())
            return nested.map { "length " + counts.expectedText($0) }.joined(separator: ", ")
        case .type(let name): return "type \(name)"
        }
    }

    private func failure(expected: String, actual: String) -> PredicateOutcome {
        .fails(expected: expected, actual: actual, reason: "expected \(expected), got \(actual)")
    }

    /// A failure whose sentence is not the plain "expected …, got …".
    private func explained(_ reason: String, _ expected: String, _ value: JSONValue) -> PredicateOutcome {
        .fails(expected: expected, actual: style.actualText(value), reason: reason)
    }

    /// The predicate cannot apply to this kind of value (`matches` on a number).
    private func wrongKind(_ wanted: String, _ expected: String, _ value: JSONValue) -> PredicateOutcome {
        explained("expected \(wanted) to check \(expected), got \(style.kindedText(value))", expected, value)
    }

    /// `eq` between different kinds names the kind found, so `200` vs `"200"` is obvious.
    private func mismatch(expected: String, value: JSONValue, operand: JSONValue) -> PredicateOutcome {
        let actual = style.actualText(value)
        guard value.typeName != operand.typeName else { return failure(expected: expected, actual: actual) }
        return explained("expected \(expected), got \(style.kindedText(value))", expected, value)
    }

    /// Numbers order numerically, and so do strings that read as numbers (header values are
    /// always text: "9" > "10" as text); other strings order lexicographically. Anything else is
    /// a kind mismatch, reported as a failure rather than guessed at.
    private func compare(
        _ value: JSONValue, with operand: JSONValue, expected: String,
        numbers: (Double, Double) -> Bool, orStrings strings: (String, String) -> Bool
    ) -> PredicateOutcome {
        let holds: Bool
        switch (value, operand) {
        case let (.number(lhs), .number(rhs)): holds = numbers(lhs, rhs)
        case let (lhs, rhs) where lhs.orderedNumber != nil && rhs.orderedNumber != nil:
            holds = numbers(lhs.orderedNumber ?? 0, rhs.orderedNumber ?? 0)
        case let (.string(lhs), .string(rhs)): holds = strings(lhs, rhs)
        case (_, .number), (_, .string):
            return explained("expected a \(operand.typeName) to compare with \(expected), got \(style.kindedText(value))", expected, value)
        default:
            return explained("cannot compare with \(expected): only numbers and strings are ordered", expected, value)
        }
        return holds ? .holds : failure(expected: expected, actual: style.actualText(value))
    }

    /// Substring of a string, element of an array, key of an object.
    private func containment(of operand: JSONValue, in value: JSONValue, expected: String, wanted: Bool) -> PredicateOutcome {
        let found: Bool
        switch (value, operand) {
        // Every string contains the empty string (String.contains says otherwise).
        case let (.string(text), .string(part)): found = part.isEmpty || text.contains(part)
        case let (.array(elements), _): found = elements.contains(operand)
        case let (.object(pairs), .string(key)): found = pairs.contains { $0.key == key }
        case (.string, _), (.object, _):
            let container = value.typeName == "string" ? "a string" : "the keys of an object"
            return explained("expected \(expected), got \(style.kindedText(value)); only a string can be looked for in \(container)", expected, value)
        default:
            return wrongKind("a string, array or object", expected, value)
        }
        return found == wanted ? .holds : failure(expected: expected, actual: style.actualText(value))
    }

    private func match(_ pattern: String, against value: JSONValue, expected: String) -> PredicateOutcome {
        guard case .string(let text) = value else { return wrongKind("a string", expected, value) }
        do {
            if try RegexSearch.firstMatch(pattern, in: text) != nil { return .holds }
            return failure(expected: expected, actual: style.actualText(value))
        } catch {
            return explained("the regular expression /\(pattern)/ is not valid: \(error.reason)", expected, value)
        }
    }

    /// Lengths are counts, so nested predicates read plainly even under a duration query.
    private func length(of value: JSONValue, checkedBy nested: [Predicate], expected: String) -> PredicateOutcome {
        let count: Int
        switch value {
        case .string(let text): count = text.count
        case .array(let elements): count = elements.count
        case .object(let pairs): count = pairs.count
        default:
            return wrongKind("a string, array or object", expected, value)
        }
        let counts = PredicateCheck(style: ValueStyle())
        for predicate in nested {
            guard case .fails(let inner, let actual, _) = counts.check(predicate, against: .number(Double(count))) else { continue }
            return .fails(expected: "length " + inner, actual: actual, reason: "expected length \(inner), got length \(actual)")
        }
        return .holds
    }
}

extension JSONValue {
    /// A number, or a string that reads as one: what ordering predicates compare numerically.
    fileprivate var orderedNumber: Double? {
        switch self {
        case .number(let number): return number
        case .string(let text): return NumericText.value(of: text)
        default: return nil
        }
    }
}
