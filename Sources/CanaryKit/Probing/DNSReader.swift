/// A cursor over a DNS reply that never reads past its end: every read checks its bounds and
/// throws a `DNSMessage.Problem` naming the byte offset where the reply stopped making sense.
struct DNSReader {
    let bytes: [UInt8]
    var offset = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func u8() throws(DNSMessage.Problem) -> UInt8 {
        guard offset < bytes.count else { throw ended(needing: 1, what: "a byte") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func u16() throws(DNSMessage.Problem) -> UInt16 {
        guard offset + 2 <= bytes.count else { throw ended(needing: 2, what: "a 16-bit field") }
        defer { offset += 2 }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    mutating func u32() throws(DNSMessage.Problem) -> UInt32 {
        let high = try u16()
        return UInt32(high) << 16 | UInt32(try u16())
    }

    mutating func skip(_ count: Int, what: String) throws(DNSMessage.Problem) {
        guard offset + count <= bytes.count else { throw ended(needing: count, what: what) }
        offset += count
    }

    private func ended(needing count: Int, what: String) -> DNSMessage.Problem {
        DNSMessage.Problem("the reply ends at byte \(bytes.count) in the middle of \(what) at byte \(offset) (truncated packet)")
    }

    /// A possibly compressed name at the cursor, which moves past it (past its first pointer,
    /// if any). Pointers may only point backwards, before the name being read: a loop (or a
    /// forward jump) is refused instead of followed.
    mutating func name() throws(DNSMessage.Problem) -> String {
        var labels: [String] = []
        var position = offset
        var resumeAt: Int?
        // Each pointer must land strictly before the lowest place read so far: at most one hop per byte.
        var lowest = offset
        var length = 1
        while true {
            guard position < bytes.count else {
                throw DNSMessage.Problem("the reply ends at byte \(bytes.count) inside a name that starts at byte \(offset) (truncated packet)")
            }
            let size = Int(bytes[position])
            switch size & 0xc0 {
            case 0xc0:
                guard position + 1 < bytes.count else {
                    throw DNSMessage.Problem("the reply ends at byte \(bytes.count) inside a compression pointer at byte \(position) (truncated packet)")
                }
                let target = (size & 0x3f) << 8 | Int(bytes[position + 1])
                guard target < lowest else {
                    let why = target > position ? "forward, which a compression pointer may not" : "back into the name it is part of (a compression loop)"
                    throw DNSMessage.Problem("the compression pointer at byte \(position) points to byte \(target), \(why)")
                }
                if resumeAt == nil { resumeAt = position + 2 }
                lowest = target
                position = target
            case 0x00:
                if size == 0 {
                    offset = resumeAt ?? position + 1
                    return labels.isEmpty ? "." : labels.joined(separator: ".")
                }
                guard position + 1 + size <= bytes.count else {
                    throw DNSMessage.Problem("the reply ends at byte \(bytes.count) inside a \(size)-byte label at byte \(position) (truncated packet)")
                }
                length += size + 1
                guard length <= DNSMessage.maximumNameBytes else {
                    throw DNSMessage.Problem("the name at byte \(offset) is longer than the 255 bytes a DNS name may have")
                }
                labels.append(Self.labelText(bytes[(position + 1)..<(position + 1 + size)]))
                position += 1 + size
            default:
                throw DNSMessage.Problem("byte \(position) starts a label with the reserved bits \(size >> 6) set (neither a length nor a pointer)")
            }
        }
    }

    /// A label as text; bytes outside printable ASCII, and a dot inside a label, are escaped
    /// as `\DDD` (RFC 4343), so no reply byte reaches a record or a terminal raw.
    static func labelText(_ label: ArraySlice<UInt8>) -> String {
        var text = ""
        for byte in label {
            if byte > 0x20 && byte < 0x7f && byte != UInt8(ascii: ".") && byte != UInt8(ascii: "\\") {
                text.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                text += "\\" + String(repeating: "0", count: byte < 10 ? 2 : byte < 100 ? 1 : 0) + String(byte)
            }
        }
        return text
    }

    /// One answer record; its data must fit exactly in the RDLENGTH it declares.
    mutating func record(number: Int) throws(DNSMessage.Problem) -> DNSMessage.Record {
        let name = try name()
        let type = try u16()
        _ = try u16()  // class
        let ttl = try u32()
        let length = Int(try u16())
        let start = offset
        guard start + length <= bytes.count else {
            throw DNSMessage.Problem("answer \(number) declares \(length) bytes of data at byte \(start), past the end of the \(bytes.count)-byte reply (truncated packet)")
        }
        let data = try recordData(type: type, length: length)
        guard offset == start + length else {
            throw DNSMessage.Problem("answer \(number)'s data at byte \(start) is \(offset - start) bytes, not the \(length) it declares")
        }
        return DNSMessage.Record(name: name, type: type, ttl: ttl, data: data)
    }

    private mutating func recordData(type: UInt16, length: Int) throws(DNSMessage.Problem) -> String {
        let start = offset
        switch type {
        case DNSRecordType.A.code where length == 4:
            try skip(4, what: "an IPv4 address")
            return bytes[start..<start + 4].map(String.init).joined(separator: ".")
        case DNSRecordType.AAAA.code where length == 16:
            try skip(16, what: "an IPv6 address")
            return Self.ipv6Text(Array(bytes[start..<start + 16]))
        case DNSRecordType.CNAME.code, DNSRecordType.NS.code:
            return try name()
        case DNSRecordType.MX.code:
            let preference = try u16()
            return "\(preference) \(try name())"
        case DNSRecordType.SRV.code:
            let priority = try u16()
            let weight = try u16()
            let port = try u16()
            return "\(priority) \(weight) \(port) \(try name())"
        case DNSRecordType.TXT.code:
            var text = ""
            while offset < start + length {
                let size = Int(try u8())
                guard offset + size <= start + length else {
                    throw DNSMessage.Problem("a TXT string at byte \(offset - 1) runs past its record's data (truncated packet)")
                }
                text += String(decoding: bytes[offset..<offset + size], as: UTF8.self)
                offset += size
            }
            // Control characters escaped as in header values (`\n`, `\u001B`): a hostile
            // server's ESC or line break must not reach a record, a message or the terminal raw.
            return PrintableText.escaping(text)
        default:
            try skip(length, what: "record data")
            return "\\# \(length) " + bytes[start..<start + length].map { String($0, radix: 16) }.joined()
        }
    }

    /// RFC 5952 text: lower-case hex, the longest run of two or more zero groups as `::`.
    static func ipv6Text(_ address: [UInt8]) -> String {
        let groups = stride(from: 0, to: 16, by: 2).map { Int(address[$0]) << 8 | Int(address[$0 + 1]) }
        var best = (start: -1, count: 0)
        var index = 0
        while index < 8 {
            guard groups[index] == 0 else { index += 1; continue }
            let start = index
            while index < 8 && groups[index] == 0 { index += 1 }
            if index - start > best.count && index - start >= 2 { best = (start, index - start) }
        }
        let hex = groups.map { String($0, radix: 16) }
        guard best.start >= 0 else { return hex.joined(separator: ":") }
        let head = hex[..<best.start].joined(separator: ":")
        let tail = hex[(best.start + best.count)...].joined(separator: ":")
        return head + "::" + tail
    }
}
