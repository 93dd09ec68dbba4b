/// DNS wire format (RFC 1035) for the `dns` step: the query it sends and a bounded parser for
/// the reply. Every reply byte is hostile: each read is bounds-checked, a compression pointer
/// must point before the name that holds it (so no pointer chain can loop), and a name is at
/// most 255 bytes; any violation is a `Problem` naming the byte where it was found.
public enum DNSMessage {
    /// What made a reply unreadable, for a `malformedResponse` error.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    /// A reply as far as the `dns` step reads it.
    public struct Reply: Sendable, Equatable {
        public var id: UInt16
        /// The 4-bit RCODE of the header (0 NOERROR, 3 NXDOMAIN, …).
        public var rcode: Int
        /// TC: the answer did not fit a UDP datagram; ask again over TCP.
        public var truncated: Bool
        public var answers: [Record]
    }

    /// One resource record of the answer section, its data as text (`Record.text`).
    public struct Record: Sendable, Equatable {
        public var name: String
        public var type: UInt16
        public var ttl: UInt32
        /// A: `192.0.2.1`; AAAA: `2001:db8::1`; CNAME, NS: `host.example`; MX: `10 mail.example`;
        /// SRV: `0 5 5060 sip.example`; TXT: its strings joined, control characters
        /// escaped as in header values (`\n`, `\u001B`); other types: `\# <length> <hex>`.
        public var data: String
    }

    static let headerSize = 12
    static let maximumNameBytes = 255

    /// A standard query (recursion desired) for `name` of `type`, class IN.
    public static func query(id: UInt16, name: String, type: DNSRecordType) throws(Problem) -> [UInt8] {
        var bytes: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xff), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        let trimmed = labels.last == "" ? labels.dropLast() : labels[...]
        var length = 1
        for label in trimmed {
            let utf8 = Array(label.utf8)
            guard !utf8.isEmpty, utf8.count <= 63 else {
                throw Problem("'\(name)' is not a DNS name: each label between dots must be 1 to 63 bytes")
            }
            length += utf8.count + 1
            bytes.append(UInt8(utf8.count))
            bytes += utf8
        }
        guard length <= maximumNameBytes else { throw Problem("'\(name)' is longer than the 255 bytes a DNS name may have") }
        bytes += [0, UInt8(type.code >> 8), UInt8(type.code & 0xff), 0, 1]
        return bytes
    }

    /// Reads a reply to the query with `id`; throws a `Problem` for anything that is not one.
    public static func parse(_ bytes: [UInt8], expectedID: UInt16? = nil) throws(Problem) -> Reply {
        var reader = DNSReader(bytes: bytes)
        guard bytes.count >= headerSize else {
            throw Problem("the reply is \(bytes.count) bytes, shorter than the 12-byte DNS header")
        }
        let id = try reader.u16()
        let flags = try reader.u16()
        let questions = try reader.u16()
        let answerCount = try reader.u16()
        _ = try reader.u16()  // authority records: not read
        _ = try reader.u16()  // additional records: not read
        guard flags & 0x8000 != 0 else { throw Problem("the message is a query, not a reply (its QR bit is 0)") }
        if let expectedID, id != expectedID {
            throw Problem("the reply's id \(id) does not match the query's id \(expectedID)")
        }
        for _ in 0..<questions {
            _ = try reader.name()
            try reader.skip(4, what: "the question's type and class")
        }
        var answers: [Record] = []
        for number in 0..<Int(answerCount) {
            answers.append(try reader.record(number: number + 1))
        }
        return Reply(id: id, rcode: Int(flags & 0x000f), truncated: flags & 0x0200 != 0, answers: answers)
    }

    /// The RCODE's mnemonic (RFC 1035, RFC 2136): `NOERROR`, `NXDOMAIN`, … or `RCODE<n>`.
    public static func rcodeName(_ rcode: Int) -> String {
        let names = ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE"]
        return rcode >= 0 && rcode < names.count ? names[rcode] : "RCODE\(rcode)"
    }

    /// Every mnemonic `rcodeName` gives, for load-time checks of `expect.rcode`.
    public static let rcodeNames = (0...10).map(rcodeName)
}

/// The record types a `dns` step may ask for.
public enum DNSRecordType: String, Sendable, CaseIterable, Equatable {
    case A, AAAA, CNAME, TXT, MX, NS, SRV

    public var code: UInt16 {
        switch self {
        case .A: 1
        case .NS: 2
        case .CNAME: 5
        case .MX: 15
        case .TXT: 16
        case .AAAA: 28
        case .SRV: 33
        }
    }
}
