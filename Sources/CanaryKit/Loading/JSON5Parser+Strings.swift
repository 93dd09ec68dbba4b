extension JSON5Parser {
    /// A single- or double-quoted string. The common case without escapes is one slice copy.
    mutating func parseString() throws(Failure) -> String {
        let quote = bytes[position]
        let opened = (what: "string", offset: position)
        position += 1
        let contentStart = position
        while let byte = current {
            if byte == quote {
                position += 1
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[contentStart..<(position - 1)]), as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") { break }
            try rejectLineBreak(byte, opened: opened)
            position += 1
        }
        guard position < bytes.count else { throw failure("expected the closing quote of the string", openedAt: opened) }
        var decoded = Array(bytes[contentStart..<position])
        while let byte = current {
            if byte == quote {
                position += 1
                return String(decoding: decoded, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") {
                try parseEscape(into: &decoded)
            } else {
                try rejectLineBreak(byte, opened: opened)
                decoded.append(byte)
                position += 1
            }
        }
        throw failure("expected the closing quote of the string", openedAt: opened)
    }

    private func rejectLineBreak(_ byte: UInt8, opened: (what: String, offset: Int)) throws(Failure) {
        if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
            throw Failure(
                offset: position,
                message: "a string can't contain a line break; write \\n, or end the line with \\ to continue it",
                openedAt: opened)
        }
    }

    /// One escape after a backslash: JSON's, JSON5's (\v \0 \x \' and line continuations),
    /// and any other character standing for itself.
    private mutating func parseEscape(into decoded: inout [UInt8]) throws(Failure) {
        let backslash = position
        position += 1
        guard let escaped = current else { throw failure("expected an escaped character after '\\'") }
        position += 1
        switch escaped {
        case UInt8(ascii: "b"): decoded.append(0x08)
        case UInt8(ascii: "f"): decoded.append(0x0C)
        case UInt8(ascii: "n"): decoded.append(0x0A)
        case UInt8(ascii: "r"): decoded.append(0x0D)
        case UInt8(ascii: "t"): decoded.append(0x09)
        case UInt8(ascii: "v"): decoded.append(0x0B)
        case UInt8(ascii: "0"):
            if let next = current, next >= UInt8(ascii: "0"), next <= UInt8(ascii: "9") {
                throw Failure(offset: backslash, message: "octal escapes are not allowed; use \\u00XX")
            }
            decoded.append(0)
        case UInt8(ascii: "1")...UInt8(ascii: "9"):
            throw Failure(offset: backslash, message: "octal escapes are not allowed; use \\u00XX")
        case UInt8(ascii: "x"):
            append(scalar: UInt32(try hexQuantity(digits: 2, escapeAt: backslash)), to: &decoded)
        case UInt8(ascii: "u"):
            append(scalar: try unicodeEscape(escapeAt: backslash), to: &decoded)
        case UInt8(ascii: "\r"):
            // A line continuation: the backslash and the line break vanish.
            if current == UInt8(ascii: "\n") { position += 1 }
        case UInt8(ascii: "\n"):
            break
        case 0xE2 where current == 0x80 && (byte(at: position + 1) == 0xA8 || byte(at: position + 1) == 0xA9):
            position += 2 // U+2028 / U+2029 continuation
        default:
            // Identity escape (\" \' \\ \/ and any other character); copy the whole scalar.
            decoded.append(escaped)
            while let next = current, UTF8.isContinuation(next) {
                decoded.append(next)
                position += 1
            }
        }
    }

    /// `\uXXXX`, combining a surrogate pair `\uD83D\uDE00` into one scalar.
    private mutating func unicodeEscape(escapeAt backslash: Int) throws(Failure) -> UInt32 {
        let first = try hexQuantity(digits: 4, escapeAt: backslash)
        guard (0xD800...0xDFFF).contains(first) else { return first }
        guard first <= 0xDBFF, current == UInt8(ascii: "\\"), byte(at: position + 1) == UInt8(ascii: "u") else {
            throw Failure(offset: backslash, message: "lone surrogate \\u\(String(first, radix: 16, uppercase: true)); a high surrogate \\uD800-\\uDBFF must be followed by a low one \\uDC00-\\uDFFF")
        }
        let secondAt = position
        position += 2
        let second = try hexQuantity(digits: 4, escapeAt: secondAt)
        guard (0xDC00...0xDFFF).contains(second) else {
            throw Failure(offset: backslash, message: "lone surrogate \\u\(String(first, radix: 16, uppercase: true)); a high surrogate \\uD800-\\uDBFF must be followed by a low one \\uDC00-\\uDFFF")
        }
        return 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
    }

    private mutating func hexQuantity(digits: Int, escapeAt backslash: Int) throws(Failure) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<digits {
            guard let digit = current, let nibble = Self.hexValue(digit) else {
                let letter = digits == 2 ? "x" : "u"
                throw failure("expected \(digits) hexadecimal digits in the escape \\\(letter)")
            }
            value = value << 4 | UInt32(nibble)
            position += 1
        }
        return value
    }

    private func append(scalar value: UInt32, to decoded: inout [UInt8]) {
        // Surrogates were combined above, so `value` is a scalar; encode it by hand (hot path).
        switch value {
        case ..<0x80:
            decoded.append(UInt8(value))
        case ..<0x800:
            decoded.append(UInt8(0xC0 | value >> 6))
            decoded.append(UInt8(0x80 | value & 0x3F))
        case ..<0x10000:
            decoded.append(UInt8(0xE0 | value >> 12))
            decoded.append(UInt8(0x80 | value >> 6 & 0x3F))
            decoded.append(UInt8(0x80 | value & 0x3F))
        default:
            decoded.append(UInt8(0xF0 | value >> 18))
            decoded.append(UInt8(0x80 | value >> 12 & 0x3F))
            decoded.append(UInt8(0x80 | value >> 6 & 0x3F))
            decoded.append(UInt8(0x80 | value & 0x3F))
        }
    }

    // MARK: Keys

    /// A quoted string, or an unquoted ECMAScript-style name (`user`, `$ref`, `_id`, `café`).
    mutating func parseKey(openedAt opened: (what: String, offset: Int)) throws(Failure) -> String {
        guard let first = current else { throw failure("expected a key or '}'", openedAt: opened) }
        if first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") { return try parseString() }
        guard Self.isNameByte(first), !(first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) else {
            throw failure("expected a key (a string or a name) or '}'")
        }
        let start = position
        while let byte = current, Self.isNameByte(byte) { position += 1 }
        let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        if let next = current, next == UInt8(ascii: "-") || next == UInt8(ascii: ".") {
            throw Failure(offset: position, message: "an unquoted key can't contain '\(Character(Unicode.Scalar(next)))'; quote the key, e.g. \"\(LoadProblem.excerpt(name))\(Character(Unicode.Scalar(next)))…\"")
        }
        return name
    }

    /// Letters, digits, `$`, `_`, and any non-ASCII byte (non-ASCII letters; UTF-8 was validated).
    static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "$"), UInt8(ascii: "_"), 0x80...0xFF:
            return true
        default:
            return false
        }
    }
}
