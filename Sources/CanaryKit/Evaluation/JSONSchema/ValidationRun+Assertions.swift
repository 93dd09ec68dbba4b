import Foundation

/// Validation keywords: checks on the value itself, each failing with one message.
extension ValidationRun {
    mutating func check(_ keyword: SchemaKeyword, of node: SchemaNode, _ value: JSONValue) -> Bool {
        switch (keyword, value) {
        case (.type(let names), _):
            guard !names.contains(where: { Self.has(value, type: $0) }) else { return true }
            fail(node, "type", "\(text(value)) is \(Self.article(value.typeName)), expected \(names.joined(separator: " or "))")
        case (.enumeration(let options), _):
            guard !options.contains(where: { Self.equal($0, value) }) else { return true }
            fail(node, "enum", "\(text(value)) is not one of \(style.redactor.maskedPrefix(JSONValue.array(options).displayText, characters: 120))")
        case (.constant(let expected), _):
            guard !Self.equal(value, expected) else { return true }
            fail(node, "const", "\(text(value)) is not \(style.redactor.maskedPrefix(expected.displayText, characters: 120))")
        case (.multipleOf(let divisor), .number(let number)):
            guard !Self.isMultiple(number, of: divisor) else { return true }
            fail(node, "multipleOf", "\(text(value)) is not a multiple of \(JSONValue.numberText(divisor))")
        case (.maximum(let limit, let exclusive), .number(let number)):
            guard exclusive ? number >= limit : number > limit else { return true }
            fail(node, exclusive ? "exclusiveMaximum" : "maximum", "\(text(value)) is \(exclusive ? "not less than the exclusive maximum" : "more than the maximum") \(JSONValue.numberText(limit))")
        case (.minimum(let limit, let exclusive), .number(let number)):
            guard exclusive ? number <= limit : number < limit else { return true }
            fail(node, exclusive ? "exclusiveMinimum" : "minimum", "\(text(value)) is \(exclusive ? "not more than the exclusive minimum" : "less than the minimum") \(JSONValue.numberText(limit))")
        case (.maxLength(let limit), .string(let string)):
            let length = string.unicodeScalars.count
            guard length > limit else { return true }
            fail(node, "maxLength", "\(text(value)) is \(length) characters long, more than maxLength \(limit)")
        case (.minLength(let limit), .string(let string)):
            let length = string.unicodeScalars.count
            guard length < limit else { return true }
            fail(node, "minLength", "\(text(value)) is \(length) characters long, fewer than minLength \(limit)")
        case (.pattern(let pattern), .string(let string)):
            guard !matches(pattern, string) else { return true }
            fail(node, "pattern", "\(text(value)) does not match the pattern /\(pattern.source)/")
        case (.maxItems(let limit), .array(let items)):
            guard items.count > limit else { return true }
            fail(node, "maxItems", "the array has \(items.count) items, more than maxItems \(limit)")
        case (.minItems(let limit), .array(let items)):
            guard items.count < limit else { return true }
            fail(node, "minItems", "the array has \(items.count) items, fewer than minItems \(limit)")
        case (.uniqueItems, .array(let items)):
            var seen: [[UInt8]: Int] = [:]
            for (index, item) in items.enumerated() {
                if let first = seen.updateValue(index, forKey: Array(Self.canonicalKey(item).utf8)) {
                    fail(node, "uniqueItems", "items \(first) and \(index) are equal (\(text(item)))")
                    return false
                }
            }
            return true
        case (.maxProperties(let limit), .object(let members)):
            guard members.count > limit else { return true }
            fail(node, "maxProperties", "the object has \(members.count) properties, more than maxProperties \(limit)")
        case (.minProperties(let limit), .object(let members)):
            guard members.count < limit else { return true }
            fail(node, "minProperties", "the object has \(members.count) properties, fewer than minProperties \(limit)")
        case (.required(let names), .object):
            let missing = names.filter { value[$0] == nil }
            guard !missing.isEmpty else { return true }
            fail(node, "required", "\(missing.count == 1 ? "property" : "properties") \(missing.map { "'\($0)'" }.joined(separator: ", ")) missing (required)")
        case (.dependentRequired(let dependencies), .object):
            var valid = true
            for dependency in dependencies where value[dependency.name] != nil {
                let missing = dependency.required.filter { value[$0] == nil }
                guard !missing.isEmpty else { continue }
                fail(node, "dependentRequired", "\(missing.map { "'\($0)'" }.joined(separator: ", ")) missing, required when '\(dependency.name)' is present")
                valid = false
            }
            return valid
        case (.format(let name), .string(let string)):
            guard schema.assertsFormats, !JSONSchemaFormats.accepts(string, as: name) else { return true }
            fail(node, "format", "\(text(value)) is not a valid \(name)")
        default:
            // A keyword for another type (`minimum` on a string) does not apply.
            return true
        }
        return false
    }

    /// Searches (not anchored), as JSON Schema's `pattern` does.
    mutating func matches(_ pattern: Pattern, _ string: String) -> Bool {
        let regex: NSRegularExpression
        if let cached = regexes[pattern.source] {
            regex = cached
        } else {
            // Checked to compile when the schema loaded.
            guard let compiled = try? NSRegularExpression(pattern: pattern.source) else { return false }
            regexes[pattern.source] = compiled
            regex = compiled
        }
        return regex.firstMatch(in: string, range: NSRange(string.startIndex..<string.endIndex, in: string)) != nil
    }

    static func has(_ value: JSONValue, type name: String) -> Bool {
        if name == "integer", case .number(let number) = value { return number.isFinite && number.rounded() == number }
        return value.typeName == name || (name == "number" && value.typeName == "number")
    }

    private static func article(_ typeName: String) -> String {
        typeName == "null" ? "null" : (typeName.first.map { "aeiou".contains($0) } == true ? "an " : "a ") + typeName
    }

    /// Exact for whole quotients; otherwise within rounding error (0.0075 is a multiple of 0.0001).
    static func isMultiple(_ number: Double, of divisor: Double) -> Bool {
        let quotient = number / divisor
        guard quotient.isFinite else { return false }
        return abs(quotient - quotient.rounded()) <= 1e-9 * max(1, abs(quotient))
    }

    /// JSON equality, with strings equal only when their code points are (Swift's `==` on
    /// strings also equates canonically equivalent ones, "é" and "e\u{301}").
    static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        Array(canonicalKey(a).utf8) == Array(canonicalKey(b).utf8)
    }

    /// Equal JSON values have equal keys: numbers by value, object members sorted.
    static func canonicalKey(_ value: JSONValue) -> String {
        switch value {
        case .object(let members):
            return "{" + members.sorted { $0.key < $1.key }.map { JSONValue.quoted($0.key) + ":" + canonicalKey($0.value) }.joined(separator: ",") + "}"
        case .array(let items):
            return "[" + items.map(canonicalKey).joined(separator: ",") + "]"
        case .number(let number):
            return number == 0 ? "0" : "\(number)"
        default:
            return value.compactJSONText
        }
    }
}
