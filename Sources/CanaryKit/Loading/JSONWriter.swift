/// Writes strict JSON (RFC 8259): what goes into request bodies and records.
struct JSONWriter {
    let pretty: Bool
    var output = ""

    init(pretty: Bool) {
        self.pretty = pretty
    }

    mutating func write(_ value: JSONValue, indent: Int) {
        switch value {
        case .null: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .number(let number): output += Self.text(of: number)
        case .string(let text): writeString(text)
        case .array(let items):
            writeContainer(open: "[", close: "]", count: items.count, indent: indent) { writer, index in
                writer.write(items[index], indent: indent + 1)
            }
        case .object(let members):
            writeContainer(open: "{", close: "}", count: members.count, indent: indent) { writer, index in
                writer.writeString(members[index].key)
                writer.output += writer.pretty ? ": " : ":"
                writer.write(members[index].value, indent: indent + 1)
            }
        }
    }

    private mutating func writeContainer(
        open: String, close: String, count: Int, indent: Int, element: (inout JSONWriter, Int) -> Void
    ) {
        output += open
        guard count > 0 else { return output += close }
        for index in 0..<count {
            if index > 0 { output += "," }
            if pretty { newline(indent + 1) }
            element(&self, index)
        }
        if pretty { newline(indent) }
        output += close
    }

    private mutating func newline(_ indent: Int) {
        output += "\n"
        output += String(repeating: "  ", count: indent)
    }

    /// Integers without a fraction; JSON has no NaN or infinity, so those become null.
    static func text(of number: Double) -> String {
        guard number.isFinite else { return "null" }
        if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
        return "\(number)"
    }

    private mutating func writeString(_ text: String) {
        output += "\""
        var plainStart = text.utf8.startIndex
        var index = plainStart
        let utf8 = text.utf8
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 {
                output += Substring(utf8[plainStart..<index])
                output += Self.escape(byte)
                plainStart = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        output += Substring(utf8[plainStart..<utf8.endIndex])
        output += "\""
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
