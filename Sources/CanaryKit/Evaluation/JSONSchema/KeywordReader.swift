import Foundation

/// Reads the keywords of one object schema, checking each value's shape.
struct KeywordReader {
    let builder: SchemaBuilder
    let location: SchemaLocation
    let object: JSONValue

    init(builder: SchemaBuilder, location: SchemaLocation) {
        self.builder = builder
        self.location = location
        object = builder.value(at: location) ?? .object([])
    }

    private func wrong(_ key: String, _ expected: String) -> JSONSchemaProblem {
        builder.problem(at: location + key, "'\(key)' must be \(expected), found \(object[key]?.typeName ?? "nothing")")
    }

    func string(_ key: String) throws(JSONSchemaProblem) -> String? {
        guard let value = object[key] else { return nil }
        guard case .string(let text) = value else { throw wrong(key, "a string") }
        return text
    }

    func number(_ key: String) throws(JSONSchemaProblem) -> Double? {
        guard let value = object[key] else { return nil }
        guard case .number(let number) = value, number.isFinite else { throw wrong(key, "a number") }
        return number
    }

    func count(_ key: String) throws(JSONSchemaProblem) -> Int? {
        guard let value = object[key] else { return nil }
        guard case .number(let number) = value, number >= 0, number == number.rounded(), number < 1e15 else {
            throw wrong(key, "a whole number, 0 or more")
        }
        return Int(number)
    }

    func strings(_ key: String) throws(JSONSchemaProblem) -> [String]? {
        guard let value = object[key] else { return nil }
        guard case .array(let items) = value else { throw wrong(key, "an array of strings") }
        return try items.map { item throws(JSONSchemaProblem) in
            guard case .string(let text) = item else { throw wrong(key, "an array of strings") }
            return text
        }
    }

    func subschema(_ key: String) throws(JSONSchemaProblem) -> Int? {
        guard let value = object[key] else { return nil }
        switch value {
        case .bool, .object: return builder.node(at: location + key)
        default: throw wrong(key, "a schema (an object or a boolean)")
        }
    }

    func subschemas(_ key: String) throws(JSONSchemaProblem) -> [Int]? {
        guard let value = object[key] else { return nil }
        guard case .array(let items) = value, !items.isEmpty else { throw wrong(key, "a non-empty array of schemas") }
        return items.indices.map { builder.node(at: location + key + String($0)) }
    }

    func namedSubschemas(_ key: String) throws(JSONSchemaProblem) -> [SchemaKeyword.Named]? {
        guard let value = object[key] else { return nil }
        guard case .object(let members) = value else { throw wrong(key, "an object of schemas") }
        return members.map { SchemaKeyword.Named(name: $0.key, node: builder.node(at: location + key + $0.key)) }
    }

    func pattern(_ source: String, at key: String) throws(JSONSchemaProblem) -> Pattern {
        guard (try? NSRegularExpression(pattern: source)) != nil else {
            throw builder.problem(at: location + key, "'\(LoadProblem.excerpt(source))' is not a regular expression canary can read")
        }
        return Pattern(source: source)
    }

    func validationKeywords() throws(JSONSchemaProblem) -> [SchemaKeyword] {
        var keywords: [SchemaKeyword] = []
        if let value = object["type"] {
            let names: [String]
            switch value {
            case .string(let name): names = [name]
            case .array: names = try strings("type") ?? []
            default: throw wrong("type", "a type name or an array of them")
            }
            let known = ["null", "boolean", "object", "array", "number", "string", "integer"]
            if let unknown = names.first(where: { !known.contains($0) }) {
                throw builder.problem(at: location + "type", "'\(LoadProblem.excerpt(unknown))' is not a JSON Schema type\(NameSuggestion.hint(for: unknown, among: known)) (use \(known.joined(separator: ", ")))")
            }
            keywords.append(.type(names))
        }
        if let value = object["enum"] {
            guard case .array(let items) = value else { throw wrong("enum", "an array") }
            keywords.append(.enumeration(items))
        }
        if let value = object["const"] { keywords.append(.constant(value)) }
        if let divisor = try number("multipleOf") {
            guard divisor > 0 else { throw wrong("multipleOf", "a number above 0") }
            keywords.append(.multipleOf(divisor))
        }
        if let limit = try number("maximum") { keywords.append(.maximum(limit, exclusive: false)) }
        if let limit = try number("exclusiveMaximum") { keywords.append(.maximum(limit, exclusive: true)) }
        if let limit = try number("minimum") { keywords.append(.minimum(limit, exclusive: false)) }
        if let limit = try number("exclusiveMinimum") { keywords.append(.minimum(limit, exclusive: true)) }
        if let limit = try count("maxLength") { keywords.append(.maxLength(limit)) }
        if let limit = try count("minLength") { keywords.append(.minLength(limit)) }
        if let source = try string("pattern") { keywords.append(.pattern(try pattern(source, at: "pattern"))) }
        if let limit = try count("maxItems") { keywords.append(.maxItems(limit)) }
        if let limit = try count("minItems") { keywords.append(.minItems(limit)) }
        if let value = object["uniqueItems"] {
            guard case .bool(let unique) = value else { throw wrong("uniqueItems", "a boolean") }
            if unique { keywords.append(.uniqueItems) }
        }
        if let limit = try count("maxProperties") { keywords.append(.maxProperties(limit)) }
        if let limit = try count("minProperties") { keywords.append(.minProperties(limit)) }
        if let names = try strings("required") { keywords.append(.required(names)) }
        if let value = object["dependentRequired"] {
            guard case .object(let members) = value else { throw wrong("dependentRequired", "an object of string arrays") }
            keywords.append(.dependentRequired(try members.map { member throws(JSONSchemaProblem) in
                guard case .array(let items) = member.value else { throw wrong("dependentRequired", "an object of string arrays") }
                return SchemaKeyword.Dependency(name: member.key, required: items.compactMap { if case .string(let text) = $0 { text } else { nil } })
            }))
        }
        return keywords
    }
}
