/// Expectations are templates like the request (Hurl interpolates asserts too): expected
/// values, header names and JSONPath keys are filled in just before the request is sent.
extension Interpolator {
    /// The assertion with every `{{…}}` filled in. A secret used here is remembered, so it is
    /// masked in failure messages like everywhere else.
    public mutating func render(_ assertion: Assertion) throws(InterpolationError) -> Assertion {
        var rendered = assertion
        switch assertion.query {
        case .header(let name) where name.contains("{{"):
            rendered.query = .header(try render(Self.parseTemplate(name)))
        case .json(let path) where path.source.contains("{{"):
            let source = try render(Self.parseTemplate(path.source))
            do {
                rendered.query = .json(try JSONPath.parse(source))
            } catch {
                throw .invalidPath(path: source, reason: error.description)
            }
        case .xpath(let expression) where expression.contains("{{"):
            rendered.query = .xpath(try render(Self.parseTemplate(expression)))
        case .text(let selector) where selector.contains("{{"):
            rendered.query = .text(try render(Self.parseTemplate(selector)))
        case .visible(let selector) where selector.contains("{{"):
            rendered.query = .visible(try render(Self.parseTemplate(selector)))
        default:
            break
        }
        var predicates: [Predicate] = []
        for predicate in assertion.predicates {
            predicates.append(try render(predicate, numeric: assertion.query.readsNumber))
        }
        rendered.predicates = predicates
        return rendered
    }

    /// Operands that are templates filled in; under a query that reads a number (status, size…),
    /// a filled-in operand that reads as a number becomes one, so `status: "{{code}}"` equals 200.
    private mutating func render(_ predicate: Predicate, numeric: Bool) throws(InterpolationError) -> Predicate {
        func operand(_ value: JSONValue) throws(InterpolationError) -> JSONValue {
            let filled = try render(json: value)
            guard numeric, filled != value, case .string(let text) = filled, let number = NumericText.value(of: text) else { return filled }
            return .number(number)
        }
        switch predicate {
        case .equals(let value): return .equals(try operand(value))
        case .notEquals(let value): return .notEquals(try operand(value))
        case .lessThan(let value): return .lessThan(try operand(value))
        case .lessThanOrEqual(let value): return .lessThanOrEqual(try operand(value))
        case .greaterThan(let value): return .greaterThan(try operand(value))
        case .greaterThanOrEqual(let value): return .greaterThanOrEqual(try operand(value))
        case .isIn(let values):
            var filled: [JSONValue] = []
            for value in values { filled.append(try operand(value)) }
            return .isIn(filled)
        case .contains(let value): return .contains(try operand(value))
        case .notContains(let value): return .notContains(try operand(value))
        case .matches(let pattern) where pattern.contains("{{"):
            return .matches(try render(Self.parseTemplate(pattern)))
        case .matches, .exists, .type:
            return predicate
        case .length(let nested):
            var filled: [Predicate] = []
            for inner in nested { filled.append(try render(inner, numeric: true)) }
            return .length(filled)
        }
    }
}

extension Query {
    /// Queries whose value is a number (durations in milliseconds included).
    var readsNumber: Bool {
        switch self {
        case .status, .size, .redirects, .duration, .timing: return true
        case .certificate(let fact): return fact.isDuration
        case .page(let fact): return fact.isDuration || fact == .consoleErrors || fact == .networkFailed || fact == .cls
        case .header, .cookie, .body, .json, .jsonSchema, .xpath, .httpVersion, .banner, .answers, .rcode, .text, .visible, .evaluate: return false
        }
    }
}

/// Text that reads as a decimal number: `42`, `-3.5`, `1e3`. Not `0x10`, `inf`, ` 1` or `1.`,
/// which Double(_:) would take or which no server means as a number.
enum NumericText {
    static func value(of text: String) -> Double? {
        var bytes = Substring(text).utf8[...]
        func digits() -> Int {
            let count = bytes.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }.count
            bytes = bytes.dropFirst(count)
            return count
        }
        if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
        guard digits() > 0 else { return nil }
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            guard digits() > 0 else { return nil }
        }
        if let e = bytes.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
            guard digits() > 0 else { return nil }
        }
        guard bytes.isEmpty, let number = Double(text), number.isFinite else { return nil }
        return number
    }
}
