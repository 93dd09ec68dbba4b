/// A `{{…}}` syntax error in a template string.
public struct TemplateSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based character position of the offending `{{` within the string.
    public var column: Int
    public var message: String
    public var description: String { "at character \(column): \(message)" }
}

extension Template {
    /// Parses `{{name}}`, `{{env.NAME}}` and `{{secret.NAME}}` placeholders (spaces inside the braces
    /// are ignored). A `{{` without `}}` is an error; a `}}` without `{{` is literal text.
    public static func parse(_ text: String) throws(TemplateSyntaxError) -> Template {
        var parts: [Part] = []
        var literal = ""
        var rest = Substring(text)
        while let open = rest.firstRange(of: "{{") {
            literal += rest[..<open.lowerBound]
            let column = text.distance(from: text.startIndex, to: open.lowerBound) + 1
            let inside = rest[open.upperBound...]
            guard let close = inside.firstRange(of: "}}") else {
                throw TemplateSyntaxError(column: column, message: "'{{' is never closed with '}}'")
            }
            let body = inside[..<close.lowerBound]
            if body.contains("{{") {
                throw TemplateSyntaxError(column: column, message: "'{{' is never closed with '}}' before the next '{{'")
            }
            if !literal.isEmpty { parts.append(.literal(literal)) }
            literal = ""
            parts.append(try placeholder(body.trimmingSpaces(), column: column))
            rest = inside[close.upperBound...]
        }
        literal += rest
        if !literal.isEmpty || parts.isEmpty { parts.append(.literal(literal)) }
        return Template(source: text, parts: parts)
    }

    /// Names usable as `{{name}}`: variables, `--var` names and captures.
    public static func isValidName(_ name: some StringProtocol) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
                return true
            default:
                return false
            }
        }
    }

    /// Variable names this template uses (not env or secret).
    public var variableNames: [String] {
        parts.compactMap { part in
            if case .variable(let name) = part { return name }
            return nil
        }
    }

    private static func placeholder(_ body: Substring, column: Int) throws(TemplateSyntaxError) -> Part {
        let example = "write {{name}}, {{env.NAME}} or {{secret.NAME}}"
        guard !body.isEmpty else { throw TemplateSyntaxError(column: column, message: "empty placeholder {{}}; \(example)") }
        if let dot = body.firstIndex(of: ".") {
            let namespace = body[..<dot]
            let name = body[body.index(after: dot)...]
            guard namespace == "env" || namespace == "secret" else {
                throw TemplateSyntaxError(
                    column: column,
                    message: "unknown prefix '\(LoadProblem.excerpt(namespace)).' in {{\(LoadProblem.excerpt(body))}}\(NameSuggestion.aside(for: String(namespace), among: ["env", "secret"])); \(example)")
            }
            guard isValidName(name) else {
                throw TemplateSyntaxError(column: column, message: "'\(LoadProblem.excerpt(name))' in {{\(LoadProblem.excerpt(body))}} is not an environment variable name; use letters, digits and _")
            }
            return namespace == "env" ? .env(String(name)) : .secret(String(name))
        }
        guard isValidName(body) else {
            throw TemplateSyntaxError(column: column, message: "'\(LoadProblem.excerpt(body))' is not a name; names use letters, digits, _ and -; \(example)")
        }
        return .variable(String(body))
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return self[endIndex...]
        }
        return self[first...last]
    }
}
