/// Why a placeholder could not be filled; names the placeholder and the likely fix, never a
/// secret's value. The runner adds the file and step.
public enum InterpolationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `{{name}}` with no variable or earlier capture of that name.
    case undefinedVariable(name: String, suggestion: String?)
    /// `{{env.NAME}}` with NAME not in the environment.
    case unsetEnvironmentVariable(String)
    /// `{{secret.NAME}}` with NAME not in the environment.
    case unsetSecret(String)
    /// A JSON body string whose `{{…}}` syntax is broken.
    case invalidTemplate(source: String, reason: String)
    /// A CR, LF or NUL would reach a header or the request target, where it could split the
    /// request (header injection, request smuggling). `source` names where it came from.
    case lineBreak(field: String, source: String, character: String)
    /// Variables whose values use each other in a circle: `a → b → a`.
    case variableCycle([String])
    /// An expectation's JSONPath key that is not a JSONPath once its placeholders are filled in.
    case invalidPath(path: String, reason: String)

    public var description: String {
        switch self {
        case let .undefinedVariable(name, suggestion):
            let hint = suggestion.map { " (did you mean '\($0)'?)" } ?? ""
            return "variable '\(name)' is not defined\(hint); define it in \"variables\", capture it in an earlier step, or pass --var \(name)=VALUE"
        case let .unsetEnvironmentVariable(name):
            return "environment variable '\(name)' is not set"
        case let .unsetSecret(name):
            return "secret '\(name)' is not set: {{secret.\(name)}} reads the environment variable \(name)"
        case let .invalidTemplate(source, reason):
            return "template \(ValueStyle.truncated(JSONValue.quoted(source))) is not valid: \(reason)"
        case let .lineBreak(field, source, character):
            return "\(source) puts a \(character) into \(field), which would split the request; the request was not sent. "
                + "Remove line breaks from the value (a capture's regex can select the part you need)"
        case let .variableCycle(chain):
            return "variable '\(chain.first ?? "")' uses itself: \(chain.joined(separator: " → ")); give one of them a value without placeholders"
        case let .invalidPath(path, reason):
            return "JSONPath \(ValueStyle.truncated(JSONValue.quoted(path))) (after filling in its placeholders) is not valid: \(reason)"
        }
    }
}

/// Renders templates. Tracks every secret value it substitutes so the recorder can redact them.
public struct Interpolator: Sendable {
    /// Canary variables, `--var` overrides and captures so far.
    public private(set) var variables: [String: String]
    private let environment: [String: String]
    /// Values substituted from `{{secret.X}}` (and credentials remembered), to be replaced by
    /// `***` wherever they would be written.
    public private(set) var secretValues: Set<String> = []
    /// Names whose `{{env.NAME}}` is a secret too: used as `{{secret.NAME}}` by some canary of
    /// the run. Names that look like credentials (`*TOKEN*`, `*KEY*`…) are secrets anyway.
    private let secretNames: Set<String>
    /// Variables whose values may hold placeholders (`api: "{{base}}/v1"`), expanded on first
    /// use. Captures are server text and are never expanded.
    private var unexpanded: Set<String>
    /// The variables being expanded, outermost first, to name a cycle.
    private var expanding: [String] = []
    /// Captures with their JSON type (a number, an object…), for a JSON string that is exactly
    /// one `{{name}}`.
    private var typed: [String: JSONValue] = [:]

    /// `variables` already merged (`--var` over the canary's own); `environment` is the process's.
    public init(variables: [String: String], environment: [String: String], secretNames: Set<String> = []) {
        self.variables = variables
        self.environment = environment
        self.secretNames = secretNames
        unexpanded = Set(variables.filter { $0.value.contains("{{") }.keys)
    }

    /// Values to mask from now on (credentials the request carried, cookies a response set).
    public mutating func remember(secrets: some Sequence<String>) {
        secretValues.formUnion(secrets.lazy.filter { !$0.isEmpty })
    }

    /// Captures become variables for later steps; a capture replaces a variable of the same name.
    /// `json` is the captured value with its type, when it has one.
    public mutating func set(_ name: String, _ value: String, json: JSONValue? = nil) {
        variables[name] = value
        unexpanded.remove(name)
        typed[name] = json
    }

    /// A variable's value, its own placeholders filled in (once: the result is kept).
    private mutating func value(of name: String) throws(InterpolationError) -> String? {
        guard let value = variables[name] else { return nil }
        guard unexpanded.contains(name) else { return value }
        if let start = expanding.firstIndex(of: name) { throw .variableCycle(Array(expanding[start...]) + [name]) }
        expanding.append(name)
        defer { expanding.removeLast() }
        let expanded = try render(Self.parseTemplate(value))
        variables[name] = expanded
        unexpanded.remove(name)
        return expanded
    }

    /// The template with every placeholder replaced.
    public mutating func render(_ template: Template) throws(InterpolationError) -> String {
        var out = ""
        for part in template.parts {
            switch part {
            case .literal(let text):
                out += text
            case .variable(let name):
                guard let value = try value(of: name) else {
                    throw .undefinedVariable(name: name, suggestion: closestName(to: name, among: variables.keys))
                }
                out += value
            case .env(let name):
                guard let value = environment[name] else { throw .unsetEnvironmentVariable(name) }
                if !value.isEmpty && (secretNames.contains(name) || Credentials.looksLikeCredential(name)) { secretValues.insert(value) }
                out += value
            case .secret(let name):
                guard let value = environment[name] else { throw .unsetSecret(name) }
                // An empty secret would make every string "contain" it; nothing to redact.
                if !value.isEmpty { secretValues.insert(value) }
                out += value
            }
        }
        return out
    }

    /// A template that becomes one line of the request head (a header or the URL): any CR, LF or
    /// NUL, from the file or substituted, is refused, naming the placeholder it came from.
    public mutating func renderLine(_ template: Template, field: String) throws(InterpolationError) -> String {
        var out = ""
        for part in template.parts {
            let single = Template(source: template.source, parts: [part])
            let text = try render(single)
            if let character = Self.lineBreakCharacter(in: text) {
                throw .lineBreak(field: field, source: Self.origin(of: part), character: character)
            }
            out += text
        }
        return out
    }

    /// `CR`, `LF` or `NUL` when `text` holds one.
    static func lineBreakCharacter(in text: String) -> String? {
        for byte in text.utf8 {
            switch byte {
            case 0x0D: return "CR (\\r)"
            case 0x0A: return "LF (\\n)"
            case 0x00: return "NUL (\\0)"
            default: continue
            }
        }
        return nil
    }

    private static func origin(of part: Template.Part) -> String {
        switch part {
        case .literal: return "the canary file's text"
        case .variable(let name): return "{{\(name)}} (a variable, --var or capture)"
        case .env(let name): return "{{env.\(name)}}"
        case .secret(let name): return "{{secret.\(name)}}"
        }
    }

    /// JSON body strings are templates too; the loader checked them, this re-reads them at run time.
    static func parseTemplate(_ text: String) throws(InterpolationError) -> Template {
        do {
            return try Template.parse(text)
        } catch {
            throw .invalidTemplate(source: text, reason: error.description)
        }
    }

    /// A JSON body with every string value rendered as a template (keys are left as written).
    /// A string that is exactly one `{{capture}}` becomes the captured value with its JSON type
    /// (`"{{n}}"` sends `3` when a number was captured); any other placeholder stays a string.
    public mutating func render(json: JSONValue) throws(InterpolationError) -> JSONValue {
        switch json {
        case .null, .bool, .number:
            return json
        case .string(let text):
            guard text.contains("{{") else { return json }
            let template = try Self.parseTemplate(text)
            if template.parts.count == 1, case .variable(let name) = template.parts[0], let value = typed[name] { return value }
            return .string(try render(template))
        case .array(let elements):
            var rendered: [JSONValue] = []
            for element in elements { rendered.append(try render(json: element)) }
            return .array(rendered)
        case .object(let pairs):
            var rendered: [(key: String, value: JSONValue)] = []
            for pair in pairs { rendered.append((pair.key, try render(json: pair.value))) }
            return .object(rendered)
        }
    }
}

extension Interpolator {
    /// The defined name within two edits of a misspelt one, for "did you mean".
    fileprivate func closestName(to name: String, among candidates: some Sequence<String>) -> String? {
        let scored = candidates.map { ($0, Self.editDistance(name, $0)) }.filter { $0.1 <= 2 && $0.1 < name.count }
        return scored.min { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }?.0
    }

    /// Levenshtein distance over characters.
    private static func editDistance(_ lhs: String, _ rhs: String) -> Int {
        let a = Array(lhs), b = Array(rhs)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            previous = current
        }
        return previous[b.count]
    }
}
