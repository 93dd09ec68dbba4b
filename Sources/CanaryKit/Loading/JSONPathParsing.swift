/// Why a JSONPath did not parse, and where.
public struct JSONPathSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based character (Unicode scalar) position within the path.
    public var column: Int
    public var message: String
    public var description: String { "at character \(column): \(message)" }
}

extension JSONPath {
    /// Parses an RFC 9535 JSONPath query, refusing anything the RFC does not allow with the
    /// character where it went wrong; filters are type-checked here, not when they run.
    public static func parse(_ text: String) throws(JSONPathSyntaxError) -> JSONPath {
        var reader = JSONPathReader(scalars: Array(text.unicodeScalars))
        return JSONPath(source: text, segments: try reader.parseQuery())
    }
}

/// A recursive-descent reader of RFC 9535's grammar. Nesting (filters within filters,
/// parentheses, function arguments) is capped so a hostile path cannot exhaust the stack.
struct JSONPathReader {
    static let maximumNesting = 64

    let scalars: [Unicode.Scalar]
    var position = 0
    var nesting = 0

    var current: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }
    func peek(_ offset: Int) -> Unicode.Scalar? {
        position + offset < scalars.count ? scalars[position + offset] : nil
    }
    var found: String {
        guard let current else { return "the end of the path" }
        return Self.shown(current)
    }

    /// A character for a message: quoted, or by code point when it would not print.
    static func shown(_ scalar: Unicode.Scalar) -> String {
        let invisible = scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.properties.generalCategory == .format
            || scalar.properties.generalCategory == .lineSeparator || scalar.properties.generalCategory == .paragraphSeparator
        return invisible ? "control character U+\(String(scalar.value, radix: 16, uppercase: true))" : "'\(scalar)'"
    }

    func error(_ message: String, at offset: Int? = nil) -> JSONPathSyntaxError {
        JSONPathSyntaxError(column: (offset ?? position) + 1, message: message)
    }

    static func isBlank(_ scalar: Unicode.Scalar?) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r"
    }

    mutating func skipBlanks() {
        while Self.isBlank(current) { position += 1 }
    }

    mutating func enterNesting() throws(JSONPathSyntaxError) {
        nesting += 1
        guard nesting <= Self.maximumNesting else {
            throw error("filters, parentheses and functions are nested more than \(Self.maximumNesting) levels deep")
        }
    }

    /// The whole path: `$` and its segments, then nothing (not even a blank).
    mutating func parseQuery() throws(JSONPathSyntaxError) -> [JSONPath.Segment] {
        guard current == "$" else {
            let text = String(String.UnicodeScalarView(scalars))
            let hint = scalars.isEmpty || text.first == " " ? "" : " (did you mean '$.\(LoadProblem.excerpt(text))'?)"
            throw error("a JSONPath starts with '$'\(hint)")
        }
        position += 1
        let segments = try parseSegments()
        if current != nil {
            throw error(Self.isBlank(current) ? "a JSONPath can't end with a blank" : "expected '.', '..' or '[' after \(position == 1 ? "'$'" : "a segment"), found \(found)")
        }
        return segments
    }

    /// Segments, each after optional blanks; stops (without consuming blanks) before anything else.
    mutating func parseSegments() throws(JSONPathSyntaxError) -> [JSONPath.Segment] {
        var segments: [JSONPath.Segment] = []
        while true {
            let before = position
            skipBlanks()
            switch current {
            case ".":
                position += 1
                if current == "." {
                    position += 1
                    segments.append(.descendants(try descendantSelectors()))
                } else {
                    segments.append(.children([try dotted()]))
                }
            case "[":
                segments.append(.children(try bracketed()))
            default:
                position = before
                return segments
            }
        }
    }

    /// After `..`: a name, `*`, or a bracketed selection.
    mutating func descendantSelectors() throws(JSONPathSyntaxError) -> [JSONPath.Selector] {
        if current == "[" { return try bracketed() }
        return [try dotted(after: "'..'")]
    }

    /// After `.`: `*` or a member name (ALPHA, `_`, non-ASCII, then digits too).
    mutating func dotted(after what: String = "'.'") throws(JSONPathSyntaxError) -> JSONPath.Selector {
        if current == "*" {
            position += 1
            return .wildcard
        }
        guard let first = current, Self.isNameFirst(first) else {
            if let current, current.properties.numericType != nil || current == "-" || current == "'" || current == "\"" {
                throw error("a .name can't start with \(found); write ['…'] or [n] instead")
            }
            throw error("expected a name or '*' after \(what), found \(found)")
        }
        let start = position
        // One extension to RFC 9535: '-' inside a name (`$.headers.X-Request-Id`), which
        // JSONPath has no other reading for; canary files written before RFC 9535 use it.
        while let scalar = current, Self.isNameFirst(scalar) || ("0"..."9").contains(scalar) || scalar == "-" {
            position += 1
        }
        return .name(String(String.UnicodeScalarView(scalars[start..<position])))
    }

    static func isNameFirst(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_" || scalar.value >= 0x80
    }

    /// `[` selector (`,` selector)* `]`, blanks allowed around each selector.
    mutating func bracketed() throws(JSONPathSyntaxError) -> [JSONPath.Selector] {
        let open = position
        position += 1
        var selectors: [JSONPath.Selector] = []
        while true {
            skipBlanks()
            selectors.append(try selector())
            skipBlanks()
            switch current {
            case ",":
                position += 1
            case "]":
                position += 1
                return selectors
            case nil:
                throw error("expected ']' to close the '[' at character \(open + 1)")
            default:
                throw error("expected ',' or ']' after a selector, found \(found)")
            }
        }
    }

    /// One selector inside brackets: a quoted name, `*`, an index, a slice or a filter.
    mutating func selector() throws(JSONPathSyntaxError) -> JSONPath.Selector {
        switch current {
        case "'", "\"":
            return .name(try stringLiteral())
        case "*":
            position += 1
            return .wildcard
        case "?":
            position += 1
            skipBlanks()
            try enterNesting()
            defer { nesting -= 1 }
            return .filter(try logicalOr())
        case ":":
            return try slice(start: nil)
        case let scalar? where scalar == "-" || ("0"..."9").contains(scalar):
            let index = try integer()
            skipBlanks()
            if current == ":" { return try slice(start: index) }
            return .index(index)
        default:
            throw error("expected a quoted name, '*', an index, a slice or a filter '?' after '[', found \(found)")
        }
    }

    /// `start:end:step`, each part optional; `position` is at the first ':'.
    mutating func slice(start: Int?) throws(JSONPathSyntaxError) -> JSONPath.Selector {
        position += 1
        skipBlanks()
        let end = try optionalInteger()
        skipBlanks()
        var step: Int?
        if current == ":" {
            position += 1
            skipBlanks()
            step = try optionalInteger()
        }
        return .slice(start: start, end: end, step: step)
    }

    mutating func optionalInteger() throws(JSONPathSyntaxError) -> Int? {
        guard let scalar = current, scalar == "-" || ("0"..."9").contains(scalar) else { return nil }
        return try integer()
    }
}
