/// Why a JSONPath did not parse, and where.
public struct JSONPathSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based character position within the path.
    public var column: Int
    public var message: String
    public var description: String { "at character \(column): \(message)" }
}

extension JSONPath {
    /// Parses `$`, `.name`, `['name']`, `["name"]`, `[0]`, `[-1]`, `[*]`, `.*`, `..name`, `..*`.
    /// Filters, slices and unions are rejected with a message rather than misread.
    public static func parse(_ text: String) throws(JSONPathSyntaxError) -> JSONPath {
        var reader = JSONPathReader(characters: Array(text))
        return JSONPath(source: text, segments: try reader.parse())
    }
}

private struct JSONPathReader {
    let characters: [Character]
    var position = 0

    var current: Character? { position < characters.count ? characters[position] : nil }

    func error(_ message: String, at offset: Int? = nil) -> JSONPathSyntaxError {
        JSONPathSyntaxError(column: (offset ?? position) + 1, message: message)
    }

    mutating func parse() throws(JSONPathSyntaxError) -> [JSONPath.Segment] {
        guard current == "$" else {
            let hint = characters.isEmpty ? "" : " (did you mean '$.\(LoadProblem.excerpt(String(characters)))'?)"
            throw error("a JSONPath starts with '$'\(hint)")
        }
        position += 1
        var segments: [JSONPath.Segment] = []
        while let character = current {
            switch character {
            case ".":
                position += 1
                if current == "." {
                    position += 1
                    segments.append(try descendant())
                } else {
                    segments.append(try dotted())
                }
            case "[":
                segments.append(try bracketed())
            default:
                throw error("expected '.' or '[' after \(position == 1 ? "'$'" : "a segment"), found '\(character)'")
            }
        }
        return segments
    }

    /// After `..`: a name, `*`, or a bracket (`..['name']`, `..[*]`).
    mutating func descendant() throws(JSONPathSyntaxError) -> JSONPath.Segment {
        switch current {
        case "*":
            position += 1
            return .descendantWildcard
        case "[":
            let open = position
            switch try bracketed() {
            case .key(let name): return .descendant(name)
            case .wildcard: return .descendantWildcard
            default: throw error("only a name or [*] can follow '..'", at: open)
            }
        default:
            return .descendant(try name())
        }
    }

    /// After `.`: a name or `*`.
    mutating func dotted() throws(JSONPathSyntaxError) -> JSONPath.Segment {
        if current == "*" {
            position += 1
            return .wildcard
        }
        return .key(try name())
    }

    /// A name up to the next `.` or `[` (so `$.headers.X-Request-Id` works).
    mutating func name() throws(JSONPathSyntaxError) -> String {
        let start = position
        while let character = current, character != ".", character != "[" {
            if character == "]" || character == "'" || character == "\"" || character.isWhitespace {
                throw error("'\(character)' can't appear in a .name; use ['…'] for such keys")
            }
            position += 1
        }
        guard position > start else {
            throw error(current == nil ? "expected a name after '.'" : "expected a name after '.', found '\(current.map(String.init) ?? "")'")
        }
        return String(characters[start..<position])
    }

    /// `['name']`, `["name"]`, `[0]`, `[-1]`, `[*]`.
    mutating func bracketed() throws(JSONPathSyntaxError) -> JSONPath.Segment {
        let open = position
        position += 1
        let segment: JSONPath.Segment
        switch current {
        case "'", "\"":
            segment = .key(try quoted())
        case "*":
            position += 1
            segment = .wildcard
        case "?":
            throw error("filter expressions [?(…)] are not supported")
        case let character? where character.isNumber || character == "-":
            segment = .index(try index())
        default:
            throw error("expected a quoted name, an index or * after '['")
        }
        guard current == "]" else {
            if current == ":" { throw error("slices [a:b] are not supported; use one index") }
            if current == "," { throw error("unions [a,b] are not supported; use one path per assertion") }
            throw error("expected ']' to close the '[' at character \(open + 1)")
        }
        position += 1
        return segment
    }

    mutating func index() throws(JSONPathSyntaxError) -> Int {
        let start = position
        if current == "-" { position += 1 }
        while let character = current, character.isASCII, character.isNumber { position += 1 }
        let text = String(characters[start..<position])
        guard let value = Int(text) else { throw error("'\(text)' is not an array index", at: start) }
        return value
    }

    /// A quoted key; `\'`, `\"` and `\\` escape the quote and the backslash.
    mutating func quoted() throws(JSONPathSyntaxError) -> String {
        let open = position
        let quote = characters[position]
        position += 1
        var name = ""
        while let character = current {
            position += 1
            if character == quote { return name }
            if character == "\\", let next = current {
                name.append(next)
                position += 1
            } else {
                name.append(character)
            }
        }
        throw error("the quoted name opened at character \(open + 1) is never closed", at: open)
    }
}
