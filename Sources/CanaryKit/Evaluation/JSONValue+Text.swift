/// JSON text for captures (compact, exact) and for failure messages (spaced, readable).
extension JSONValue {
    /// Compact JSON text: `{"a":[1,2]}`. What a capture of a non-string value holds.
    public var compactJSONText: String { text(spaced: false) }

    /// JSON text with a space after `,` and `:`: `{"a": [1, 2]}`. How values read in messages.
    var displayText: String { text(spaced: true) }

    private func text(spaced: Bool) -> String {
        switch self {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number): return JSONValue.numberText(number)
        case .string(let string): return JSONValue.quoted(string)
        case .array(let elements):
            return "[" + elements.map { $0.text(spaced: spaced) }.joined(separator: spaced ? ", " : ",") + "]"
        case .object(let pairs):
            let members = pairs.map { JSONValue.quoted($0.key) + (spaced ? ": " : ":") + $0.value.text(spaced: spaced) }
            return "{" + members.joined(separator: spaced ? ", " : ",") + "}"
        }
    }

    /// Integral numbers print without a fraction (200, not 200.0): status codes and counts
    /// arrive as doubles but people wrote them as integers.
    static func numberText(_ number: Double) -> String {
        if number.rounded() == number, abs(number) < 1e15 {
            return String(Int64(number))
        }
        return "\(number)"
    }

    /// A JSON string literal, escaping what JSON requires and nothing else.
    static func quoted(_ string: String) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
