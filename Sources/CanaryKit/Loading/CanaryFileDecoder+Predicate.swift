/// Predicates: a bare value means `eq`; an object combines keywords, kept in the order written.
/// Operands are checked against what the query yields, so impossible checks fail at load time.
extension CanaryFileDecoder {
    /// What a query yields, which decides the operands that make sense.
    enum OperandKind: Equatable, Sendable, CaseIterable {
        case statusCode
        /// Sizes, counts, lengths.
        case number
        /// Milliseconds; duration strings ("800ms") are converted at load time.
        case duration
        /// Header values and bodies are always text.
        case text
        /// JSON values: anything.
        case any

        init(_ query: Query) {
            switch query {
            case .status: self = .statusCode
            case .size, .redirects: self = .number
            case .header, .cookie, .body, .httpVersion, .banner, .rcode, .text: self = .text
            case .page(.title), .page(.url): self = .text
            case .page(.consoleErrors), .page(.networkFailed), .page(.cls): self = .number
            case .page: self = .duration
            case .visible, .evaluate: self = .any
            case .json, .jsonSchema, .xpath, .answers: self = .any
            case .duration, .timing: self = .duration
            case .certificate(.subjectAltNames): self = .any
            case .certificate(let fact): self = fact.isDuration ? .duration : .text
            }
        }

        var isNumeric: Bool { self == .statusCode || self == .number || self == .duration }
    }

    static let typeNames = ["string", "number", "boolean", "array", "object", "null"]

    /// The predicates for `value`, or nil (after reporting) when any part is wrong.
    func predicates(_ value: LocatedJSON, for query: Query) -> [Predicate]? {
        predicates(value, kind: OperandKind(query), what: Self.excerpt(query.label))
    }

    private func predicates(_ value: LocatedJSON, kind: OperandKind, what: String) -> [Predicate]? {
        guard let members = value.objectMembers else {
            // `"status": [200, 201]` reads as "one of"; elsewhere an array is a value to equal.
            if kind == .statusCode, case .array(let items) = value.kind {
                return operands(items, kind: kind, what: what).map { [.isIn($0)] }
            }
            return operand(value, kind: kind, what: what).map { [.equals($0)] }
        }
        guard !members.isEmpty else {
            report("empty predicate for \(what); write a value, or an object such as {\"eq\": …}", at: value.location)
            return nil
        }
        coverage?.note(members.map(\.key), in: "a predicate", allowed: Predicate.keywords)
        var result: [Predicate] = []
        var valid = true
        var seen: Set<String> = []
        for member in members {
            guard Predicate.keywords.contains(member.key) else {
                var message = "unknown predicate '\(Self.excerpt(member.key))' for \(what)"
                if let close = NameSuggestion.closest(to: member.key, among: Predicate.keywords) {
                    message += "; did you mean '\(close)'?"
                } else {
                    message += " (use \(Predicate.keywords.joined(separator: ", ")))"
                    if kind == .any { message += "; to compare with an object, write {\"eq\": {…}}" }
                }
                report(message, at: member.keyLocation)
                valid = false
                continue
            }
            guard seen.insert(member.key).inserted else {
                report("predicate '\(member.key)' appears twice for \(what); remove one", at: member.keyLocation)
                valid = false
                continue
            }
            if let predicate = predicate(member, kind: kind, what: what) { result.append(predicate) } else { valid = false }
        }
        return valid ? result : nil
    }

    private func predicate(_ member: LocatedJSON.Member, kind: OperandKind, what: String) -> Predicate? {
        let value = member.value
        switch member.key {
        case "eq": return operand(value, kind: kind, what: what).map { .equals($0) }
        case "ne": return operand(value, kind: kind, what: what).map { .notEquals($0) }
        case "lt": return orderedOperand(value, kind: kind, what: what).map { .lessThan($0) }
        case "lte": return orderedOperand(value, kind: kind, what: what).map { .lessThanOrEqual($0) }
        case "gt": return orderedOperand(value, kind: kind, what: what).map { .greaterThan($0) }
        case "gte": return orderedOperand(value, kind: kind, what: what).map { .greaterThanOrEqual($0) }
        case "in":
            guard case .array(let items) = value.kind else {
                report("'in' takes an array of values for \(what), found \(value.foundDescription)", at: value.location)
                return nil
            }
            return operands(items, kind: kind, what: what).map { .isIn($0) }
        case "exists":
            return bool(value, for: "'exists' of \(what)").map { .exists($0) }
        case "type":
            guard let name = string(value, for: "'type' of \(what)", like: "string") else { return nil }
            guard Self.typeNames.contains(name) else {
                report("'\(Self.excerpt(name))' is not a JSON type\(NameSuggestion.hint(for: name, among: Self.typeNames)) (use \(Self.typeNames.joined(separator: ", ")))", at: value.location)
                return nil
            }
            return .type(name)
        default:
            return textPredicate(member, kind: kind, what: what)
        }
    }

    /// `contains`, `notContains`, `matches`, `length`: meaningless on numbers.
    private func textPredicate(_ member: LocatedJSON.Member, kind: OperandKind, what: String) -> Predicate? {
        let value = member.value
        guard !kind.isNumeric else {
            report("'\(member.key)' does not apply to \(what), which is a number; use eq, ne, lt, lte, gt, gte or in", at: member.keyLocation)
            return nil
        }
        switch member.key {
        case "contains": return operand(value, kind: kind, what: what).map { .contains($0) }
        case "notContains": return operand(value, kind: kind, what: what).map { .notContains($0) }
        case "matches":
            guard let pattern = string(value, for: "'matches' of \(what)", like: "^2\\\\d\\\\d$") else { return nil }
            // A pattern with placeholders is compiled once they are filled in, at run time.
            if pattern.contains("{{") { return template(pattern, at: value.location, for: "'matches' of \(what)").map { _ in .matches(pattern) } }
            return checkRegex(pattern, at: value.location, for: "'matches' of \(what)") ? .matches(pattern) : nil
        default:
            return predicates(value, kind: .number, what: "the length of \(what)").map { .length($0) }
        }
    }

    private func operands(_ items: [LocatedJSON], kind: OperandKind, what: String) -> [JSONValue]? {
        let checked = items.map { operand($0, kind: kind, what: what) }
        return checked.contains { $0 == nil } ? nil : checked.compactMap { $0 }
    }

    /// `lt`/`gt` compare numbers or strings only. Header values and bodies are text, but
    /// ordering them against a number compares numerically, so `{gt: 10}` needs no quotes.
    private func orderedOperand(_ value: LocatedJSON, kind: OperandKind, what: String) -> JSONValue? {
        if kind == .text, case .number(let number) = value.kind, number.isFinite { return .number(number) }
        if kind == .any {
            switch value.kind {
            case .number, .string: break
            default:
                report("expected a number or a string to compare \(what) with, found \(value.foundDescription)", at: value.location)
                return nil
            }
        }
        return operand(value, kind: kind, what: what)
    }

    /// An operand of the right kind for the query; durations become milliseconds.
    private func operand(_ value: LocatedJSON, kind: OperandKind, what: String) -> JSONValue? {
        switch (kind, value.kind) {
        case (.any, _):
            checkTemplates(inJSON: value, for: "the expected value of \(what)")
            return value.value
        case (_, .string(let text)) where text.contains("{{"):
            // Filled in at run time (and read as a number or duration then, where one is expected).
            return template(text, at: value.location, for: "the expected value of \(what)").map { _ in .string(text) }
        case (.statusCode, .number(let number)) where number == number.rounded() && (100...999).contains(number):
            return .number(number)
        case (.statusCode, _):
            var message = "expected a status code such as 200 for \(what), found \(value.foundDescription)"
            if case .string(let text) = value.kind, Int(text) != nil { message += "; write \(text) without quotes" }
            report(message, at: value.location)
        case (.number, .number(let number)) where number.isFinite:
            return .number(number)
        case (.number, _):
            report("expected a number for \(what), found \(value.foundDescription)", at: value.location)
        case (.duration, .number(let number)) where number.isFinite:
            return .number(number)
        case (.duration, .string(let text)):
            if let duration = Duration(humanText: text) { return .number(duration.milliseconds) }
            report("'\(Self.excerpt(text))' is not a duration for \(what); write 250ms, 5s, 1.5s, 2m, 1h or 14d (a bare number means milliseconds)", at: value.location)
        case (.duration, _):
            report("expected a duration like \"800ms\" (or a number of milliseconds) for \(what), found \(value.foundDescription)", at: value.location)
        case (.text, .string(let text)):
            return .string(text)
        case (.text, _):
            var message = "expected a string for \(what) (header values and bodies are text), found \(value.foundDescription)"
            if case .number(let number) = value.kind { message += "; write \"\(JSONWriter.text(of: number))\"" }
            report(message, at: value.location)
        }
        return nil
    }
}
