/// Writes strict JSON (RFC 8259): what goes into request bodies and records.
struct JSONWriter {
    let pretty: Bool
    /// UTF-8 bytes: appending bytes is several times cheaper than appending to a String, and
    /// records are written by the thousand.
    var bytes: [UInt8] = []
    var output: String { String(decoding: bytes, as: UTF8.self) }

    init(pretty: Bool) {
        self.pretty = pretty
    }

    mutating func write(_ value: JSONValue, indent: Int) {
        switch value {
        case .null: append("null")
        case .bool(let flag): append(flag ? "true" : "false")
        case .number(let number): writeNumber(number)
        case .string(let text): writeString(text)
        case .array(let items):
            writeContainer(open: UInt8(ascii: "["), close: UInt8(ascii: "]"), count: items.count, indent: indent) { writer, index in
                writer.write(items[index], indent: indent + 1)
            }
        case .object(let members):
            writeContainer(open: UInt8(ascii: "{"), close: UInt8(ascii: "}"), count: members.count, indent: indent) { writer, index in
                writer.writeString(members[index].key)
                writer.append(writer.pretty ? ": " : ":")
                writer.write(members[index].value, indent: indent + 1)
            }
        }
    }

    private mutating func writeContainer(
        open: UInt8, close: UInt8, count: Int, indent: Int, element: (inout JSONWriter, Int) -> Void
    ) {
        bytes.append(open)
        guard count > 0 else { return bytes.append(close) }
        for index in 0..<count {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            if pretty { newline(indent + 1) }
            element(&self, index)
        }
        if pretty { newline(indent) }
        bytes.append(close)
    }

    /// `write(.number(number))` without boxing the value in a `JSONValue` (an indirect enum:
    /// every value written through it was a heap allocation).
    mutating func writeNumber(_ number: Double) {
        guard number.isFinite else { return append("null") }
        if number == number.rounded(), abs(number) < 1e15 {
            return writeInteger(Int64(number))
        }
        append("\(number)")
    }

    /// Decimal digits, without making a String of them.
    mutating func writeInteger(_ value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        guard magnitude > 0 else { return bytes.append(UInt8(ascii: "0")) }
        let start = bytes.count
        while magnitude > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        }
        bytes[start...].reverse()
    }

    mutating func writeBool(_ flag: Bool) {
        append(flag ? "true" : "false")
    }

    mutating func newline(_ indent: Int) {
        bytes.append(UInt8(ascii: "\n"))
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * indent))
    }

    mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// `json` (as this writer writes it) without the whitespace outside strings: the one-line
    /// form of a pretty document, for less than encoding the value a second time costs.
    static func compacted(_ json: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(json.count)
        var inString = false, escaped = false
        for byte in json {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
            } else if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") {
                continue
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            }
            out.append(byte)
        }
        return out
    }

    /// Integers without a fraction; JSON has no NaN or infinity, so those become null.
    static func text(of number: Double) -> String {
        guard number.isFinite else { return "null" }
        if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
        return "\(number)"
    }

    /// Runs without an escape are copied whole (most strings are one such run): appending byte
    /// by byte was the costliest part of writing a record.
    mutating func writeString(_ text: String) {
        var text = text
        bytes.append(UInt8(ascii: "\""))
        text.withUTF8 { utf8 in
            var start = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                append(Self.escape(byte))
                start = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static func escape(_ byte: UInt8) -> String {
        switch byte {
        case UInt8(ascii: "\""): return "\\\""
        case UInt8(ascii: "\\"): return "\\\\"
        case 0x0A: return "\\n"
        case 0x0D: return "\\r"
        case 0x09: return "\\t"
        case 0x08: return "\\b"
        case 0x0C: return "\\f"
        default:
            let hex = String(byte, radix: 16, uppercase: true)
            return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        }
    }
}
