import Foundation

/// The result of one failed assertion, as recorded in run records and printed.
public struct AssertionFailure: Sendable, Equatable, Codable {
    /// The query's label: `status`, `header Content-Type`, `json $.items`, `timings.connect`.
    public var assertion: String
    /// The failing predicate as an expectation: `200`, `< 800ms`, `length >= 1`, `exists`.
    public var expected: String
    /// What was found: `503`, `1234ms`, `0`, `nothing (path selected no value)`; long values truncated.
    public var actual: String
    /// The whole sentence: `status: expected 200, got 503`.
    public var message: String

    public init(assertion: String, expected: String, actual: String, message: String) {
        self.assertion = assertion
        self.expected = expected
        self.actual = actual
        self.message = message
    }
}

/// Checks a step's assertions against the facts of its response.
public enum AssertionEvaluator {
    /// nil when every predicate of the assertion holds; otherwise the first failing predicate's failure.
    public static func evaluate(_ assertion: Assertion, on facts: ResponseFacts) -> AssertionFailure? {
        if case .jsonSchema(let schema) = assertion.query { return schemaFailure(schema, on: facts) }
        let (value, missingReason) = facts.value(of: assertion.query)
        let checker = PredicateCheck(style: ValueStyle(unit: unit(of: assertion.query), missingReason: missingReason, redactor: facts.redactor))
        for predicate in assertion.predicates {
            let operandsInMs = assertion.query.isDuration ? predicate.withDurationOperandsInMilliseconds() : predicate
            guard case .fails(let expected, let actual, let reason) = checker.check(operandsInMs, against: value) else { continue }
            let label = assertion.query.label
            return AssertionFailure(assertion: label, expected: expected, actual: actual, message: "\(label): \(reason)")
        }
        return nil
    }

    /// A step without a `status` expectation expects 2xx or 3xx, so a 500 is never a pass
    /// because nothing asked (blackbox_exporter's default is 2xx). nil when it holds or a
    /// `status` expectation is given.
    public static func defaultStatus(_ status: Int, assertions: [Assertion]) -> AssertionFailure? {
        guard !assertions.contains(where: { $0.query == .status }), !(200..<400).contains(status) else { return nil }
        let expected = "2xx or 3xx (the default without a status expectation)"
        return AssertionFailure(assertion: "status", expected: expected, actual: "\(status)", message: "status: expected \(expected), got \(status)")
    }

    /// Lower level, for tests and reuse: does the predicate hold for this (possibly missing) value.
    /// Values and operands read plainly; a missing value reads `nothing (no value)`.
    public static func check(_ predicate: Predicate, against value: JSONValue?) -> PredicateOutcome {
        PredicateCheck(style: ValueStyle()).check(predicate, against: value)
    }

    /// Certificate lifetimes are weeks long, so they read in days; other durations in ms.
    private static func unit(of query: Query) -> ValueStyle.Unit {
        switch query {
        case .certificate(let fact) where fact.isDuration: return .days
        case _ where query.isDuration: return .milliseconds
        default: return .plain
        }
    }
}

extension Predicate {
    /// The predicate with duration strings (`"800ms"`, `"14d"`) turned into milliseconds, so a
    /// duration query compares numbers whether the file said `"800ms"` or `800`.
    func withDurationOperandsInMilliseconds() -> Predicate {
        func ms(_ operand: JSONValue) -> JSONValue {
            guard case .string(let text) = operand, let value = Duration(humanText: text)?.milliseconds else { return operand }
            return .number(value)
        }
        switch self {
        case .equals(let operand): return .equals(ms(operand))
        case .notEquals(let operand): return .notEquals(ms(operand))
        case .lessThan(let operand): return .lessThan(ms(operand))
        case .lessThanOrEqual(let operand): return .lessThanOrEqual(ms(operand))
        case .greaterThan(let operand): return .greaterThan(ms(operand))
        case .greaterThanOrEqual(let operand): return .greaterThanOrEqual(ms(operand))
        case .isIn(let candidates): return .isIn(candidates.map(ms))
        case .contains, .notContains, .matches, .exists, .length, .type: return self
        }
    }
}

extension AssertionEvaluator {
    /// `jsonSchema`: nil when the body is JSON that the schema accepts; otherwise every violation
    /// listed (up to `JSONSchemaValidator.maximumListed`), each with its place in the body and in
    /// the schema.
    static func schemaFailure(_ schema: JSONSchema, on facts: ResponseFacts) -> AssertionFailure? {
        let expected = "a body valid against the schema (\(schema.source))"
        guard let body = facts.bodyJSON else {
            return AssertionFailure(assertion: "jsonSchema", expected: expected, actual: facts.notJSONReason,
                                    message: "jsonSchema: \(facts.notJSONReason)")
        }
        let result = JSONSchemaValidator.validate(body, against: schema, style: ValueStyle(redactor: facts.redactor))
        guard !result.isValid else { return nil }
        var parts = result.violations.map(\.description)
        if result.total > result.violations.count { parts.append("and \(result.total - result.violations.count) more") }
        if let stopped = result.stopped { parts.append(stopped) }
        let actual = result.total == 0 ? "not checked" : "\(result.total) violation\(result.total == 1 ? "" : "s")"
        return AssertionFailure(assertion: "jsonSchema", expected: expected, actual: actual, message: "jsonSchema: " + parts.joined(separator: "; "))
    }
}
