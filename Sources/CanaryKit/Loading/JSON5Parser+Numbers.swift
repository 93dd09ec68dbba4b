extension JSON5Parser {
    /// JSON5 numbers: optional sign, Infinity, NaN, hexadecimal, and a decimal point with digits
    /// on either side. Numbers too large for a Double become ±infinity, as in JavaScript.
    mutating func parseNumber() throws(Failure) -> Double {
        let start = position
        var negative = false
        if let sign = current, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
            negative = sign == UInt8(ascii: "-")
            position += 1
        }
        if matchWord("Infinity") { return negative ? -.infinity : .infinity }
        if matchWord("NaN") { return .nan }
        if current == UInt8(ascii: "0"), let x = byte(at: position + 1), x | 0x20 == UInt8(ascii: "x") {
            position += 2
            let magnitude = try parseHexDigits()
            return negative ? -magnitude : magnitude
        }
        let integerStart = position
        skipDigits()
        let integerDigits = position - integerStart
        if integerDigits > 1, bytes[integerStart] == UInt8(ascii: "0") {
            throw Failure(offset: integerStart, message: "a number can't start with 0 followed by digits (write 7, not 07)")
        }
        var fractionDigits = 0
        if current == UInt8(ascii: ".") {
            position += 1
            let fractionStart = position
            skipDigits()
            fractionDigits = position - fractionStart
        }
        guard integerDigits + fractionDigits > 0 else { throw failure("expected digits in a number") }
        var hasExponent = false
        if let e = current, e | 0x20 == UInt8(ascii: "e") {
            hasExponent = true
            position += 1
            if let sign = current, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { position += 1 }
            let exponentStart = position
            skipDigits()
            guard position > exponentStart else { throw failure("expected digits after the exponent 'e'") }
        }
        try expectNumberEnd()
        // Fast path for the common small integer; everything else goes through the C library.
        if fractionDigits == 0, !hasExponent, integerDigits <= 15 {
            var magnitude = 0
            for offset in integerStart..<(integerStart + integerDigits) {
                magnitude = magnitude * 10 + Int(bytes[offset] &- UInt8(ascii: "0"))
            }
            let value = Double(magnitude)
            return negative ? -value : value
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        guard let value = Double(text) else {
            throw Failure(offset: start, message: "'\(text)' is not a number")
        }
        return value
    }

    private mutating func skipDigits() {
        while let digit = current, digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") { position += 1 }
    }

    private mutating func parseHexDigits() throws(Failure) -> Double {
        var value = 0.0
        let digitsStart = position
        while let digit = current, let nibble = Self.hexValue(digit) {
            value = value * 16 + Double(nibble)
            position += 1
        }
        guard position > digitsStart else { throw failure("expected hexadecimal digits after '0x'") }
        try expectNumberEnd()
        return value
    }

    /// `12px` or `1.2.3` is one bad token, not a number followed by garbage.
    private func expectNumberEnd() throws(Failure) {
        if let next = current, Self.isNameByte(next) || next == UInt8(ascii: ".") {
            throw failure("expected the end of the number")
        }
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
