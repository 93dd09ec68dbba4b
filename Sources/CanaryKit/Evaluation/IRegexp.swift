import Foundation

/// RFC 9485 I-Regexp, the interoperable regular expressions of JSONPath's `match` and `search`,
/// translated into the ICU syntax of NSRegularExpression (the engine `matches` uses). Every
/// literal is written as `\x{…}` so ICU never reads one as an operator, and `.` becomes
/// `[^\n\r]` as I-Regexp defines it; `^` and `$` anchor at the start and end of the string.
enum IRegexp {
    /// Groups may nest this deep; a deeper pattern is treated as invalid (so it matches nothing).
    static let maximumNesting = 100

    /// The ICU pattern for an I-Regexp, or nil when the text is not an I-Regexp.
    static func icuPattern(_ pattern: String) -> String? {
        var translator = Translator(scalars: Array(pattern.unicodeScalars))
        guard translator.alternation(), translator.position == translator.scalars.count else { return nil }
        return translator.output
    }

    /// Compiled patterns of one evaluation, so a filter over many nodes compiles each once.
    struct Cache {
        private var compiled: [String: NSRegularExpression?] = [:]

        /// Whether `text` matches the I-Regexp as a whole (`whole`) or somewhere in it;
        /// false for a pattern that is not an I-Regexp.
        mutating func matches(_ pattern: String, in text: String, whole: Bool) -> Bool {
            let key = (whole ? "m" : "s") + pattern
            let regex: NSRegularExpression?
            if let cached = compiled[key] {
                regex = cached
            } else {
                regex = IRegexp.icuPattern(pattern).flatMap { translated in
                    try? NSRegularExpression(pattern: whole ? "\\A(?:\(translated))\\z" : translated)
                }
                compiled[key] = regex
            }
            guard let regex else { return false }
            let range = NSRange(text.startIndex..<text.endIndex, in: text)
            return regex.firstMatch(in: text, range: range) != nil
        }
    }

    private struct Translator {
        let scalars: [Unicode.Scalar]
        var position = 0
        var depth = 0
        var output = ""

        var current: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

        /// branch ('|' branch)*
        mutating func alternation() -> Bool {
            guard branch() else { return false }
            while current == "|" {
                output += "|"
                position += 1
                guard branch() else { return false }
            }
            return true
        }

        /// piece*, up to '|', ')' or the end.
        mutating func branch() -> Bool {
            while let scalar = current, scalar != "|", scalar != ")" {
                guard atom(), quantifier() else { return false }
            }
            return true
        }

        mutating func atom() -> Bool {
            guard let scalar = current else { return false }
            switch scalar {
            case "(":
                depth += 1
                guard depth <= IRegexp.maximumNesting else { return false }
                position += 1
                output += "(?:"
                guard alternation(), current == ")" else { return false }
                position += 1
                output += ")"
                depth -= 1
                return true
            case ".":
                position += 1
                output += "[^\\n\\r]"
                return true
            case "[":
                return characterClass()
            case "^", "$":
                // Anchors, as the compliance suite and most JSONPath implementations read them
                // (RFC 9485's grammar would make them literals).
                position += 1
                output += scalar == "^" ? "\\A" : "\\z"
                return true
            case "\\":
                if let category = categoryEscape() {
                    output += category
                    return true
                }
                guard let literal = singleCharacterEscape() else { return false }
                output += Self.literal(literal)
                return true
            case ")", "*", "+", "?", "{", "}", "]", "|":
                return false
            default:
                position += 1
                output += Self.literal(scalar)
                return true
            }
        }

        /// `*`, `+`, `?` or `{n}`, `{n,}`, `{n,m}`, at most one.
        mutating func quantifier() -> Bool {
            switch current {
            case "*", "+", "?":
                output.unicodeScalars.append(scalars[position])
                position += 1
                return true
            case "{":
                position += 1
                guard let low = digits() else { return false }
                var text = "{" + low
                if current == "," {
                    position += 1
                    text += "," + (digits() ?? "")
                }
                guard current == "}" else { return false }
                position += 1
                output += text + "}"
                return true
            default:
                return true
            }
        }

        mutating func digits() -> String? {
            let start = position
            while let scalar = current, ("0"..."9").contains(scalar) { position += 1 }
            return position > start ? String(String.UnicodeScalarView(scalars[start..<position])) : nil
        }

        /// `[` `^`? (`-` | item) item* `-`? `]`; an item is a character, a range or `\p{…}`.
        mutating func characterClass() -> Bool {
            position += 1
            output += "["
            if current == "^" {
                position += 1
                output += "^"
            }
            if current == "-" {
                position += 1
                output += Self.literal("-")
            } else if !classItem() {
                return false
            }
            while current != "]" {
                if current == "-", position + 1 < scalars.count, scalars[position + 1] == "]" {
                    position += 1
                    output += Self.literal("-")
                } else if !classItem() {
                    return false
                }
            }
            position += 1
            output += "]"
            return true
        }

        mutating func classItem() -> Bool {
            if let category = categoryEscape() {
                output += category
                return true
            }
            guard let low = classCharacter() else { return false }
            output += Self.literal(low)
            if current == "-", position + 1 < scalars.count, scalars[position + 1] != "]" {
                position += 1
                guard let high = classCharacter() else { return false }
                output += "-" + Self.literal(high)
            }
            return true
        }

        mutating func classCharacter() -> Unicode.Scalar? {
            guard let scalar = current else { return nil }
            switch scalar {
            case "\\": return singleCharacterEscape()
            case "-", "[", "]": return nil
            default:
                position += 1
                return scalar
            }
        }

        /// `\n \r \t` and the escaped metacharacters `( ) * + - . ? [ \ ] ^ { | }`.
        mutating func singleCharacterEscape() -> Unicode.Scalar? {
            guard current == "\\", position + 1 < scalars.count else { return nil }
            let escaped = scalars[position + 1]
            let result: Unicode.Scalar
            switch escaped {
            case "n": result = "\n"
            case "r": result = "\r"
            case "t": result = "\t"
            case "(", ")", "*", "+", "-", ".", "?", "[", "\\", "]", "^", "{", "|", "}": result = escaped
            default: return nil
            }
            position += 2
            return result
        }

        /// `\p{Category}` / `\P{Category}` with the general categories I-Regexp allows.
        mutating func categoryEscape() -> String? {
            guard current == "\\", position + 2 < scalars.count,
                  scalars[position + 1] == "p" || scalars[position + 1] == "P", scalars[position + 2] == "{" else { return nil }
            var end = position + 3
            while end < scalars.count, scalars[end] != "}" { end += 1 }
            guard end < scalars.count else { return nil }
            let name = String(String.UnicodeScalarView(scalars[(position + 3)..<end]))
            guard Self.isCategory(name) else { return nil }
            let escape = "\\\(scalars[position + 1]){\(name)}"
            position = end + 1
            return escape
        }

        static func isCategory(_ name: String) -> Bool {
            let subcategories: [Character: String] = ["L": "lmotu", "M": "cen", "N": "dlo", "P": "cdefios", "Z": "lps", "S": "ckmo", "C": "cfno"]
            guard let first = name.first, let allowed = subcategories[first], name.count <= 2 else { return false }
            return name.count == 1 || allowed.contains(name.last ?? " ")
        }

        static func literal(_ scalar: Unicode.Scalar) -> String {
            if scalar.properties.isAlphabetic, scalar.isASCII { return String(scalar) }
            return "\\x{\(String(scalar.value, radix: 16))}"
        }
    }
}
