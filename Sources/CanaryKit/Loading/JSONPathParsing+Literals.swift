/// The literal pieces of RFC 9535: integers (indices, slices), quoted strings, numbers.
extension JSONPathReader {
    /// I-JSON's exact integer range, which indices and slice bounds must stay within.
    static let largestInteger = 9_007_199_254_740_991

    /// `0`, or an optional `-` then a digit 1-9 and more digits: no `-0`, no leading zeros.
    mutating func integer() throws(JSONPathSyntaxError) -> Int {
        let start = position
        if current == "-" { position += 1 }
        let digitsStart = position
        while let scalar = current, ("0"..."9").contains(scalar) { position += 1 }
        let digits = String(String.UnicodeScalarView(scalars[digitsStart..<position]))
        guard !digits.isEmpty else { throw error("expected a digit after '-', found \(found)") }
        if digits.count > 1, digits.first == "0" {
            throw error("an index can't have a leading zero ('\(digits)')", at: digitsStart)
        }
        if digits == "0", digitsStart > start { throw error("'-0' is not an index; write 0", at: start) }
        guard let magnitude = Int(digits), magnitude <= Self.largestInteger else {
            throw error("\(digitsStart > start ? "-" : "")\(LoadProblem.excerpt(digits)) is outside the exact integer range ±(2^53-1)", at: start)
        }
        return digitsStart > start ? -magnitude : magnitude
    }

    /// A string in `'…'` or `"…"`, with JSON's escapes (and `\'` inside single quotes).
    /// Control characters must be escaped; a lone surrogate is refused.
    mutating func stringLiteral() throws(JSONPathSyntaxError) -> String {
        let open = position
        let quote = scalars[position]
        position += 1
        var text = String.UnicodeScalarView()
        while let scalar = current {
            if scalar == quote {
                position += 1
                return String(text)
            }
            if scalar.value < 0x20 {
                throw error("\(found) must be escaped in a quoted name (\\n, \\t, \\u00XX)")
            }
            position += 1
            if scalar == "\\" {
                text.append(try escape(in: quote))
            } else {
                text.append(scalar)
            }
        }
        throw error("the string opened at character \(open + 1) is never closed", at: open)
    }

    /// After a backslash: `b f n r t / \`, the string's own quote, or `uXXXX` (a surrogate pair
    /// as two escapes).
    private mutating func escape(in quote: Unicode.Scalar) throws(JSONPathSyntaxError) -> Unicode.Scalar {
        let backslash = position - 1
        guard let scalar = current else { throw error("expected an escape after '\\'") }
        position += 1
        switch scalar {
        case "b": return "\u{8}"
        case "f": return "\u{C}"
        case "n": return "\n"
        case "r": return "\r"
        case "t": return "\t"
        case "/", "\\": return scalar
        case "'", "\"":
            guard scalar == quote else {
                throw error("\\\(scalar) is not an escape inside \(quote)…\(quote) quotes; write \(scalar) alone", at: backslash)
            }
            return scalar
        case "u":
            let high = try hexQuad()
            if (0xDC00...0xDFFF).contains(high) {
                throw error("\\u\(String(high, radix: 16)) is a lone low surrogate", at: backslash)
            }
            guard (0xD800...0xDBFF).contains(high) else {
                guard let result = Unicode.Scalar(high) else { throw error("\\u escape is not a character", at: backslash) }
                return result
            }
            guard current == "\\", peek(1) == "u" else {
                throw error("\\u\(String(high, radix: 16)) is a high surrogate that must be followed by a \\u low surrogate", at: backslash)
            }
            position += 2
            let low = try hexQuad()
            guard (0xDC00...0xDFFF).contains(low),
                  let result = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)) else {
                throw error("\\u\(String(high, radix: 16)) is a high surrogate that must be followed by a \\u low surrogate", at: backslash)
            }
            return result
        default:
            throw error("\\ before \(Self.shown(scalar)) is not an escape; use \\b \\f \\n \\r \\t \\/ \\\\ \\\(quote) or \\uXXXX", at: backslash)
        }
    }

    private mutating func hexQuad() throws(JSONPathSyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let scalar = current, let digit = scalar.properties.isASCIIHexDigit ? UInt32(String(scalar), radix: 16) : nil else {
                throw error("expected 4 hex digits after \\u, found \(found)")
            }
            value = value * 16 + digit
            position += 1
        }
        return value
    }

    /// A JSON number: `-`? int (`.` digits)? (`e` sign? digits)?; `-0` is allowed here.
    mutating func numberLiteral() throws(JSONPathSyntaxError) -> Double {
        let start = position
        if current == "-" { position += 1 }
        let intStart = position
        try digits(what: "a digit")
        if position - intStart > 1, scalars[intStart] == "0" {
            throw error("a number can't have a leading zero", at: intStart)
        }
        if current == "." {
            position += 1
            try digits(what: "a digit after '.'")
        }
        if current == "e" || current == "E" {
            position += 1
            if current == "+" || current == "-" { position += 1 }
            try digits(what: "a digit in the exponent")
        }
        let text = String(String.UnicodeScalarView(scalars[start..<position]))
        guard let value = Double(text), value.isFinite else { throw error("\(text) is not a finite number", at: start) }
        return value
    }

    private mutating func digits(what: String) throws(JSONPathSyntaxError) {
        let start = position
        while let scalar = current, ("0"..."9").contains(scalar) { position += 1 }
        if position == start { throw error("expected \(what), found \(found)") }
    }
}
