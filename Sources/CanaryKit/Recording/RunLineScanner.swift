import CurlEngine
import Foundation

/// Reads a run log line's `RunFacts` in one pass over its bytes, without building the record.
///
/// It vouches for a line only where decoding it would succeed and give the same facts: the
/// whole line is strict JSON (RFC 8259, as JSONDecoder reads it); every field `RunRecord`
/// requires is there with its type, at the top level and in each step (`name`, `outcome`,
/// `statusCode`, all six `timings`, `failures`); the optional fields it reads are their type or
/// null; so are a step's request, response, failures and warnings. Anything it can't be sure of
/// gives nil and the line is decoded whole: a byte outside ASCII, an escape in a key, a key it
/// reads given twice, a number out of range or not an exact integer where one is required,
/// nesting past `maximumDepth`, a trailing comma (which JSONDecoder allows). What it doesn't
/// check are the types inside the rarer parts (a response's TLS facts, a screenshot, a probe,
/// the attempts, the HAR's place): a line canary wrote is never wrong there, and a line edited
/// to be is counted as the run it says it is.
enum RunLineScanner {
    static let maximumDepth = 64

    static func facts(_ line: ArraySlice<UInt8>) -> RunFacts? {
        line.withUnsafeBufferPointer { buffer in
            var cursor = JSONCursor(bytes: buffer)
            return cursor.record()
        }
    }
}

/// The keys read, as bytes.
private enum Key {
    static let canary = Array("canary".utf8), runId = Array("runId".utf8), start = Array("start".utf8), end = Array("end".utf8)
    static let durationMs = Array("durationMs".utf8), passed = Array("passed".utf8), attempt = Array("attempt".utf8)
    static let tags = Array("tags".utf8), error = Array("error".utf8), file = Array("file".utf8), steps = Array("steps".utf8)
    static let inconclusive = Array("inconclusive".utf8), cancelled = Array("cancelled".utf8), flaky = Array("flaky".utf8)
    static let degraded = Array("degraded".utf8), maintenance = Array("maintenance".utf8), traceId = Array("traceId".utf8)
    static let spanId = Array("spanId".utf8), suppressedBy = Array("suppressedBy".utf8)
    static let name = Array("name".utf8), outcome = Array("outcome".utf8), statusCode = Array("statusCode".utf8)
    static let timings = Array("timings".utf8), failures = Array("failures".utf8), errorKind = Array("errorKind".utf8)
    static let dns = Array("dns".utf8), connect = Array("connect".utf8), tls = Array("tls".utf8), firstByte = Array("firstByte".utf8)
    static let transfer = Array("transfer".utf8), total = Array("total".utf8)
    static let outcomes = ["passed", "failed", "skipped"].map { Array($0.utf8) }
    static let request = Array("request".utf8), response = Array("response".utf8), warnings = Array("warnings".utf8)

    /// The shapes checked inside a step: a request, a response, a failure (or warning).
    static let requestShape: [Field] = [("method", .string), ("url", .string)].map(Field.init)
    static let responseShape: [Field] = [("httpVersion", .string), ("size", .integer), ("redirects", .integer), ("effectiveURL", .string),
                                         ("primaryIP", .string), ("newConnections", .integer), ("certificateNotAfter", .optionalString)].map(Field.init)
    static let failureShape: [Field] = [("assertion", .string), ("expected", .string), ("actual", .string), ("message", .string)].map(Field.init)

    struct Field {
        enum Kind { case string, integer, optionalString }
        let key: [UInt8]
        let kind: Kind
        init(_ field: (String, Kind)) { (key, kind) = (Array(field.0.utf8), field.1) }
    }

    static let record = [canary, runId, start, end, durationMs, passed, attempt, tags, error, file, steps, inconclusive, cancelled,
                         flaky, degraded, maintenance, traceId, spanId, suppressedBy]
    static let step = [name, outcome, statusCode, timings, failures, error, errorKind, spanId, start, request, response, warnings]
    static let timing = [dns, connect, tls, firstByte, transfer, total]
}

/// A strict JSON reader over one line's bytes; every method returns nil (or false) at the first
/// byte it can't vouch for.
private struct JSONCursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    // MARK: The record

    mutating func record() -> RunFacts? {
        guard begin(UInt8(ascii: "{")) else { return nil }
        var seen = 0
        var (canary, start, duration, passed, attempt) = ("", "", 0.0, false, 0)
        var error: String?
        var flags: [Bool?] = [nil, nil, nil, nil]
        var steps: [Timings] = []
        var empty = peekClose(UInt8(ascii: "}"))
        while !empty {
            guard let key = key() else { return nil }
            let known = Key.record.firstIndex { equal(key, $0) }
            if let known {
                guard seen & (1 << known) == 0 else { return nil }
                seen |= 1 << known
            }
            switch known ?? -1 {
            case 0: guard let value = string() else { return nil }; canary = value
            case 2: guard let value = string() else { return nil }; start = value
            case 1, 3, 9: guard skipString() else { return nil }
            case 4: guard let value = double() else { return nil }; duration = value
            case 5: guard let value = bool() else { return nil }; passed = value
            case 6: guard let value = integer() else { return nil }; attempt = value
            case 7: guard stringObject() else { return nil }
            case 8: guard let value = optionalString() else { return nil }; error = value
            case 10: guard let value = stepTimings() else { return nil }; steps = value
            case 11, 12, 13, 14: guard let value = optionalBool() else { return nil }; flags[(known ?? 11) - 11] = value
            case 15: guard optionalBool() != nil else { return nil }
            case 16, 17: guard optionalString() != nil else { return nil }
            case 18: guard optionalStringArray() else { return nil }
            default: guard skipValue(depth: 1) else { return nil }
            }
            guard let more = separator(close: UInt8(ascii: "}")) else { return nil }
            empty = !more
        }
        skipWhitespace()
        // canary, runId, start, end, durationMs, passed, attempt, tags, file and steps are required.
        let required = 0xFF | 1 << 9 | 1 << 10
        guard index == bytes.count, seen & required == required else { return nil }
        return RunFacts(canary: canary, start: start, durationMs: duration, passed: passed, attempt: attempt, error: error,
                        inconclusive: flags[0], cancelled: flags[1], flaky: flags[2], degraded: flags[3],
                        phases: LatencyChart.phaseTimes(steps))
    }

    /// The steps' timings, each step checked for the fields a `StepRecord` requires.
    mutating func stepTimings() -> [Timings]? {
        guard begin(UInt8(ascii: "[")) else { return nil }
        var steps: [Timings] = []
        var empty = peekClose(UInt8(ascii: "]"))
        while !empty {
            guard let timings = step() else { return nil }
            steps.append(timings)
            guard let more = separator(close: UInt8(ascii: "]")) else { return nil }
            empty = !more
        }
        return steps
    }

    mutating func step() -> Timings? {
        guard begin(UInt8(ascii: "{")) else { return nil }
        var seen = 0
        var timings = Timings()
        var empty = peekClose(UInt8(ascii: "}"))
        while !empty {
            guard let key = key() else { return nil }
            let known = Key.step.firstIndex { equal(key, $0) }
            if let known {
                guard seen & (1 << known) == 0 else { return nil }
                seen |= 1 << known
            }
            switch known ?? -1 {
            case 0: guard skipString() else { return nil }
            case 1:
                guard let outcome = rawString(), Key.outcomes.contains(where: { equal(outcome, $0) }) else { return nil }
            case 2: guard integer() != nil else { return nil }
            case 3: guard let value = timingsObject() else { return nil }; timings = value
            case 4: guard objects(Key.failureShape) else { return nil }
            case 5, 6, 7, 8: guard optionalString() != nil else { return nil }
            case 9: guard literal("null") || object(Key.requestShape) else { return nil }
            case 10: guard literal("null") || object(Key.responseShape) else { return nil }
            case 11: guard literal("null") || objects(Key.failureShape) else { return nil }
            default: guard skipValue(depth: 2) else { return nil }
            }
            guard let more = separator(close: UInt8(ascii: "}")) else { return nil }
            empty = !more
        }
        return seen & 0b11111 == 0b11111 ? timings : nil
    }

    /// An array of objects of `shape`.
    mutating func objects(_ shape: [Key.Field]) -> Bool {
        guard begin(UInt8(ascii: "[")) else { return false }
        var empty = peekClose(UInt8(ascii: "]"))
        while !empty {
            guard object(shape), let more = separator(close: UInt8(ascii: "]")) else { return false }
            empty = !more
        }
        return true
    }

    /// An object with each field of `shape` once and of its kind (optional ones may be missing
    /// or null); other members are only checked to be JSON.
    mutating func object(_ shape: [Key.Field]) -> Bool {
        guard begin(UInt8(ascii: "{")) else { return false }
        var seen = 0
        var empty = peekClose(UInt8(ascii: "}"))
        while !empty {
            guard let key = key() else { return false }
            if let known = shape.firstIndex(where: { equal(key, $0.key) }) {
                guard seen & (1 << known) == 0 else { return false }
                seen |= 1 << known
                switch shape[known].kind {
                case .string: guard skipString() else { return false }
                case .integer: guard integer() != nil else { return false }
                case .optionalString: guard optionalString() != nil else { return false }
                }
            } else {
                guard skipValue(depth: 4) else { return false }
            }
            guard let more = separator(close: UInt8(ascii: "}")) else { return false }
            empty = !more
        }
        for (index, field) in shape.enumerated() where field.kind != .optionalString {
            guard seen & (1 << index) != 0 else { return false }
        }
        return true
    }

    mutating func timingsObject() -> Timings? {
        guard begin(UInt8(ascii: "{")) else { return nil }
        var seen = 0
        var values = [Double](repeating: 0, count: 6)
        var empty = peekClose(UInt8(ascii: "}"))
        while !empty {
            guard let key = key() else { return nil }
            if let known = Key.timing.firstIndex(where: { equal(key, $0) }) {
                guard seen & (1 << known) == 0, let value = double() else { return nil }
                seen |= 1 << known
                values[known] = value
            } else {
                guard skipValue(depth: 3) else { return nil }
            }
            guard let more = separator(close: UInt8(ascii: "}")) else { return nil }
            empty = !more
        }
        guard seen == 0b111111 else { return nil }
        return Timings(dns: values[0], connect: values[1], tls: values[2], firstByte: values[3], transfer: values[4], total: values[5])
    }

    // MARK: Structure

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// Skips whitespace and `byte`.
    mutating func begin(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// After an opening bracket: whether the container closes at once (and consumes the close).
    mutating func peekClose(_ close: UInt8) -> Bool {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == close else { return false }
        index += 1
        return true
    }

    /// After a value: true at a comma (another member follows), false at `close`, nil otherwise.
    mutating func separator(close: UInt8) -> Bool? {
        skipWhitespace()
        guard index < bytes.count else { return nil }
        let byte = bytes[index]
        index += 1
        if byte == UInt8(ascii: ",") { return true }
        return byte == close ? false : nil
    }

    /// A member's key without escapes, and its colon: the range of its bytes.
    mutating func key() -> Range<Int>? {
        guard let key = rawString() else { return nil }
        guard begin(UInt8(ascii: ":")) else { return nil }
        skipWhitespace()
        return key
    }

    func equal(_ range: Range<Int>, _ literal: [UInt8]) -> Bool {
        range.count == literal.count && literal.withUnsafeBufferPointer { memcmp(bytes.baseAddress! + range.lowerBound, $0.baseAddress!, range.count) == 0 }
    }

    // MARK: Values

    mutating func skipValue(depth: Int) -> Bool {
        skipWhitespace()
        guard index < bytes.count, depth <= RunLineScanner.maximumDepth else { return false }
        switch bytes[index] {
        case UInt8(ascii: "\""): return skipString()
        case UInt8(ascii: "{"):
            index += 1
            var empty = peekClose(UInt8(ascii: "}"))
            while !empty {
                guard skipString(), begin(UInt8(ascii: ":")), skipValue(depth: depth + 1), let more = separator(close: UInt8(ascii: "}")) else { return false }
                empty = !more
            }
            return true
        case UInt8(ascii: "["):
            index += 1
            var empty = peekClose(UInt8(ascii: "]"))
            while !empty {
                guard skipValue(depth: depth + 1), let more = separator(close: UInt8(ascii: "]")) else { return false }
                empty = !more
            }
            return true
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "n"): return literal("null")
        default: return numberText() != nil
        }
    }

    mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count, memcmp(bytes.baseAddress! + index, word.utf8Start, count) == 0 else { return false }
        index += count
        return true
    }

    mutating func bool() -> Bool? {
        skipWhitespace()
        if literal("true") { return true }
        if literal("false") { return false }
        return nil
    }

    /// .some(nil) for null.
    mutating func optionalBool() -> Bool?? {
        skipWhitespace()
        if literal("null") { return .some(nil) }
        return bool().map { .some($0) }
    }

    /// A string without escapes: the range of its bytes (nil for anything else, as for a key).
    mutating func rawString() -> Range<Int>? {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
        let from = index + 1
        var at = from
        while at < bytes.count {
            let byte = bytes[at]
            if byte == UInt8(ascii: "\"") {
                index = at + 1
                return from..<at
            }
            guard byte >= 0x20, byte < 0x80, byte != UInt8(ascii: "\\") else { return nil }
            at += 1
        }
        return nil
    }

    mutating func skipString() -> Bool {
        string(keeping: false) != nil
    }

    mutating func string() -> String? {
        string(keeping: true)
    }

    /// .some(nil) for null.
    mutating func optionalString() -> String?? {
        skipWhitespace()
        if literal("null") { return .some(nil) }
        return string().map { .some($0) }
    }

    mutating func optionalStringArray() -> Bool {
        skipWhitespace()
        if literal("null") { return true }
        guard begin(UInt8(ascii: "[")) else { return false }
        var empty = peekClose(UInt8(ascii: "]"))
        while !empty {
            guard skipString(), let more = separator(close: UInt8(ascii: "]")) else { return false }
            empty = !more
        }
        return true
    }

    /// An object of strings (`tags`).
    mutating func stringObject() -> Bool {
        guard begin(UInt8(ascii: "{")) else { return false }
        var empty = peekClose(UInt8(ascii: "}"))
        while !empty {
            guard skipString(), begin(UInt8(ascii: ":")), skipString(), let more = separator(close: UInt8(ascii: "}")) else { return false }
            empty = !more
        }
        return true
    }

    /// A string, unescaped when `keeping` (else "" once checked). ASCII only; a \u escape of a
    /// surrogate is left to the decoder.
    mutating func string(keeping: Bool) -> String? {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
        index += 1
        let from = index
        var escaped = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { break }
            guard byte >= 0x20, byte < 0x80 else { return nil }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                guard index + 1 < bytes.count else { return nil }
                switch bytes[index + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"),
                     UInt8(ascii: "r"), UInt8(ascii: "t"):
                    index += 2
                case UInt8(ascii: "u"):
                    guard let unit = hex4(at: index + 2), !(0xD800...0xDFFF).contains(unit) else { return nil }
                    index += 6
                default: return nil
                }
            } else {
                index += 1
            }
        }
        guard index < bytes.count else { return nil }
        let to = index
        index += 1
        guard keeping else { return "" }
        let raw = UnsafeBufferPointer(rebasing: bytes[from..<to])
        return escaped ? Self.unescape(raw) : String(decoding: raw, as: UTF8.self)
    }

    func hex4(at: Int) -> UInt32? {
        guard bytes.count - at >= 4 else { return nil }
        var value: UInt32 = 0
        for offset in 0..<4 {
            let byte = bytes[at + offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// The text of a string checked by `string(keeping:)`, its escapes replaced.
    static func unescape(_ raw: UnsafeBufferPointer<UInt8>) -> String {
        var scalars = String.UnicodeScalarView()
        var at = 0
        while at < raw.count {
            let byte = raw[at]
            guard byte == UInt8(ascii: "\\") else {
                scalars.append(Unicode.Scalar(byte))
                at += 1
                continue
            }
            let kind = raw[at + 1]
            at += 2
            switch kind {
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"):
                var value: UInt32 = 0
                for offset in 0..<4 { value = value << 4 | UInt32(Self.hexValue(raw[at + offset])) }
                at += 4
                // Checked: not a surrogate, so always a scalar.
                scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
            default: scalars.append(Unicode.Scalar(kind))
            }
        }
        return String(scalars)
    }

    static func hexValue(_ byte: UInt8) -> UInt8 {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: byte - UInt8(ascii: "A") + 10
        }
    }

    // MARK: Numbers

    /// The range of a number as JSON writes one: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`;
    /// `integral`: neither a fraction nor an exponent.
    mutating func numberText() -> (range: Range<Int>, integral: Bool)? {
        skipWhitespace()
        let from = index
        func digit(_ at: Int) -> Bool { at < bytes.count && bytes[at] >= UInt8(ascii: "0") && bytes[at] <= UInt8(ascii: "9") }
        var at = index
        if at < bytes.count, bytes[at] == UInt8(ascii: "-") { at += 1 }
        guard digit(at) else { return nil }
        if bytes[at] == UInt8(ascii: "0") { at += 1 } else { while digit(at) { at += 1 } }
        var integral = true
        if at < bytes.count, bytes[at] == UInt8(ascii: ".") {
            at += 1
            guard digit(at) else { return nil }
            while digit(at) { at += 1 }
            integral = false
        }
        if at < bytes.count, bytes[at] == UInt8(ascii: "e") || bytes[at] == UInt8(ascii: "E") {
            at += 1
            if at < bytes.count, bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-") { at += 1 }
            guard digit(at) else { return nil }
            while digit(at) { at += 1 }
            integral = false
        }
        index = at
        return (from..<at, integral)
    }

    /// A finite number, read as strtod reads it (correctly rounded); nil when it is out of range
    /// or too long to be a number canary wrote.
    mutating func double() -> Double? {
        guard let (range, _) = numberText(), range.count <= 40 else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: range.count + 1) { text -> Double? in
            for offset in 0..<range.count { text[offset] = CChar(bitPattern: bytes[range.lowerBound + offset]) }
            text[range.count] = 0
            errno = 0
            var end: UnsafeMutablePointer<CChar>?
            let value = strtod(text.baseAddress!, &end)
            guard errno == 0, value.isFinite, end == text.baseAddress! + range.count else { return nil }
            return value
        }
    }

    /// An integer without fraction or exponent that fits an Int.
    mutating func integer() -> Int? {
        guard let (range, integral) = numberText(), integral, range.count <= 18 else { return nil }
        var value = 0
        var negative = false
        for at in range {
            let byte = bytes[at]
            if byte == UInt8(ascii: "-") { negative = true } else { value = value * 10 + Int(byte - UInt8(ascii: "0")) }
        }
        return negative ? -value : value
    }
}
